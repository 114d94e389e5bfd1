import type { MarkerDefinition } from "../../src/markers/parse-markers.js";

/** The default markers of the configuration (src/config/schema.ts). */
export const DEFINITIONS: readonly MarkerDefinition[] = [
  { name: "skip-tests", aliases: ["skip ci", "ci skip", "no ci", "skip actions", "actions skip"] },
  { name: "emergency-deploy", aliases: ["hotfix"] },
];
