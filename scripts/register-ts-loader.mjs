// `node --import ./scripts/register-ts-loader.mjs FILE.ts`: see scripts/ts-loader.mjs.
import { register } from "node:module";

register("./ts-loader.mjs", import.meta.url);
