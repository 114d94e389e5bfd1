import { DEFAULT_CONFIG, DEFAULT_MARKERS } from "../../src/config/schema.js";
import { runCli } from "../../src/cli/run-cli.js";
import { CONFIG_SCHEMA_TITLE } from "../../src/cli/schema-command.js";
import { captureIo } from "./capture-io.js";

interface JsonSchema {
  $schema?: string;
  title?: string;
  type?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
}

async function printedSchema(): Promise<JsonSchema> {
  const io = captureIo();
  expect(await runCli(["schema"], io)).toBe(0);
  expect(io.err).toEqual([]);
  expect(io.out).toHaveLength(1);
  return JSON.parse(io.out[0] as string) as JsonSchema;
}

/** Every `default` in the schema, by the key path of the property it belongs to. */
function defaultsOf(schema: JsonSchema, path: string[] = []): [string[], unknown][] {
  const own: [string[], unknown][] = "default" in schema ? [[path, schema.default]] : [];
  return [...own, ...Object.entries(schema.properties ?? {}).flatMap(([key, child]) => defaultsOf(child, [...path, key]))];
}

function valueAt(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (current as Record<string, unknown>)[key], value);
}

describe("pipeline-guard schema", () => {
  test("prints a pretty-printed JSON Schema with a title", async () => {
    const io = captureIo();
    await runCli(["schema"], io);
    expect(io.out[0]).toMatch(/^\{\n {2}"\$schema": "https:\/\/json-schema\.org\/draft\/2020-12\/schema",\n {2}"title": /);
    const schema = await printedSchema();
    expect(schema.title).toBe(CONFIG_SCHEMA_TITLE);
    expect(schema.title).toBe("Pipeline Guard configuration (.github/pipeline-guard.yml)");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
  });

  test("has every top-level key of the configuration", async () => {
    const schema = await printedSchema();
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      ["_extends", "mode", "production", "markers", "overrides", "follow_up", "bypass", "drift", "deployments", "commands", "notify", "immutable"].sort(),
    );
  });

  test("carries the keys of issue #14: overrides.approval, overrides.incident, follow_up.escalate, notify.events", async () => {
    const schema = (await printedSchema()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const overrides = schema.properties.overrides.properties;
    expect(Object.keys(overrides.approval.properties).sort()).toEqual(["by", "required"]);
    expect(overrides.approval.properties.required).toMatchObject({ type: "integer", minimum: 0, maximum: 10, default: 0 });
    expect(Object.keys(overrides.incident.properties).sort()).toEqual(["pattern", "required", "url"]);
    expect(Object.keys(schema.properties.follow_up.properties.escalate.properties).sort()).toEqual(["after_hours", "to"]);
    expect(schema.properties.notify.properties.events.items.enum).toEqual(["override", "bypass", "escalation", "drift"]);
  });

  test("its defaults are the configuration's defaults", async () => {
    const schema = await printedSchema();
    const leaves = defaultsOf(schema).filter(([, value]) => !(typeof value === "object" && value !== null && Object.keys(value).length === 0 && !Array.isArray(value)));
    expect(leaves.length).toBeGreaterThan(25);
    for (const [path, value] of leaves) {
      expect([path.join("."), value]).toEqual([path.join("."), valueAt(DEFAULT_CONFIG, path)]);
    }
    expect(schema.properties?.markers?.default).toEqual(DEFAULT_MARKERS);
    expect(schema.properties?.mode?.default).toBe("enforce");
  });

  test("an argument is a usage error", async () => {
    const io = captureIo();
    expect(await runCli(["schema", "extra"], io)).toBe(2);
    expect(io.err).toEqual(['pipeline-guard schema: unexpected argument "extra"']);
  });
});
