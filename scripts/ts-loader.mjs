// Lets Node 20 run the TypeScript of scripts/ and test/e2e/ as it is, for `npm run demo`:
// each .ts file is transpiled on load with the project's TypeScript (types are checked by
// `npm run typecheck`, not here), and `./x.js` imports resolve to `./x.ts` as under NodeNext.
// Registered by scripts/register-ts-loader.mjs (`node --import ./scripts/register-ts-loader.mjs`).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath, URL } from "node:url";
import ts from "typescript";

export async function resolve(specifier, context, nextResolve) {
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  if (relative && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
    const asTs = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
    if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) return { url: asTs.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, "utf8"), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}
