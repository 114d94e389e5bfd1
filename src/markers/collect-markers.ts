import type { Config } from "../config/schema.js";
import { parseMarkers, type MarkerDefinition } from "./parse-markers.js";

export type MarkerLocation = { source: "title" } | { source: "body" } | { source: "commit"; sha: string };

/** A marker and every place it was found. */
export interface FoundMarker {
  name: string;
  written: string;
  locations: MarkerLocation[];
}

export interface MarkerTexts {
  title?: string | null;
  body?: string | null;
  commits?: ReadonlyArray<{ sha: string; message: string }>;
}

export function markerDefinitions(markers: Config["markers"]): MarkerDefinition[] {
  return Object.entries(markers).map(([name, policy]) => ({ name, aliases: policy.aliases }));
}

/** Markers of a PR (title, body, commits) or of a push (commits), grouped by marker name. */
export function collectMarkers(texts: MarkerTexts, markers: Config["markers"]): FoundMarker[] {
  const definitions = markerDefinitions(markers);
  const found = new Map<string, FoundMarker>();
  const add = (text: string | null | undefined, source: "title" | "body" | "commit", location: MarkerLocation) => {
    for (const match of parseMarkers(text, definitions, source)) {
      const entry = found.get(match.name);
      if (entry) entry.locations.push(location);
      else found.set(match.name, { name: match.name, written: match.written, locations: [location] });
    }
  };
  add(texts.title, "title", { source: "title" });
  add(texts.body, "body", { source: "body" });
  for (const commit of texts.commits ?? []) add(commit.message, "commit", { source: "commit", sha: commit.sha });
  return [...found.values()];
}
