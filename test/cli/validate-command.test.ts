import { runCli } from "../../src/cli/run-cli.js";
import { captureIo } from "./capture-io.js";

describe("pipeline-guard validate", () => {
  test.each(["full.yml", "custom.yml"])("%s is valid: exits 0", async (file) => {
    const io = captureIo();
    expect(await runCli(["validate", file], io)).toBe(0);
    expect(io.out).toEqual([`${file}: valid`]);
    expect(io.err).toEqual([]);
  });

  test("an invalid file: one line per error, exits 1", async () => {
    const io = captureIo();
    expect(await runCli(["validate", "invalid.yml"], io)).toBe(1);
    expect(io.out).toEqual([
      "invalid.yml: markers.skip-tests.follow_up[0]: expected one of retest, postmortem, review",
      "invalid.yml: follow_up.due_hours: expected a number, got a string",
      "invalid.yml: drift.protection.foo: unknown key",
    ]);
    expect(io.err).toEqual([]);
  });

  test("the immutable keys are accepted, and bad ones rejected with their key paths", async () => {
    const good = captureIo({ "p.yml": "immutable:\n  enabled: true\n  resources: [aws_instance, module.db.*]\n  plan_workflow: plan.yml\n  create_before_destroy: false\n" });
    expect(await runCli(["validate", "p.yml"], good)).toBe(0);
    expect(good.out).toEqual(["p.yml: valid"]);
    const bad = captureIo({ "p.yml": "immutable:\n  enabled: yes please\n  resources: [\"\"]\n  create_before_destroy: 1\n  planworkflow: plan.yml\n" });
    expect(await runCli(["validate", "p.yml"], bad)).toBe(1);
    expect(bad.out).toEqual([
      "p.yml: immutable.enabled: expected true or false, got a string",
      "p.yml: immutable.resources[0]: must not be empty",
      "p.yml: immutable.create_before_destroy: expected true or false, got a number",
      "p.yml: immutable.planworkflow: unknown key",
    ]);
  });

  test("the default file is .github/pipeline-guard.yml", async () => {
    const io = captureIo({ ".github/pipeline-guard.yml": "mode: report\n" });
    expect(await runCli(["validate"], io)).toBe(0);
    expect(io.out).toEqual([".github/pipeline-guard.yml: valid"]);
  });

  test.each([
    ["an empty file", ""],
    ["a file of comments", "# nothing set yet\n"],
  ])("%s is valid (the defaults)", async (_name, text) => {
    const io = captureIo({ "p.yml": text });
    expect(await runCli(["validate", "p.yml"], io)).toBe(0);
    expect(io.out).toEqual(["p.yml: valid"]);
  });

  test("_extends is accepted, with a note that it is not followed offline", async () => {
    const io = captureIo({ "p.yml": "_extends: .github\nmode: report\n" });
    expect(await runCli(["validate", "p.yml"], io)).toBe(0);
    expect(io.out).toEqual(["p.yml: valid"]);
    expect(io.err).toEqual(['p.yml: note: "_extends: .github" is not followed offline; only this file was checked']);
  });

  test.each([
    [
      "an unclosed list",
      "mode: report\nproduction: [main\n",
      "p.yml: invalid YAML at line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
    ["a nested mapping on one line", "mode: a: b\n", "p.yml: invalid YAML at line 1, column 7: Nested mappings are not allowed in compact mappings"],
    ["a duplicate key", "mode: report\nmode: enforce\n", "p.yml: invalid YAML at line 2, column 1: Map keys must be unique"],
    ["a tab as indentation", "drift:\n\tenabled: false\n", "p.yml: invalid YAML at line 2, column 1: Tabs are not allowed as indentation"],
  ])("a YAML syntax error (%s) says where: exits 1", async (_name, text, line) => {
    const io = captureIo({ "p.yml": text });
    expect(await runCli(["validate", "p.yml"], io)).toBe(1);
    expect(io.out).toEqual([line]);
  });

  test("an alias that names no anchor is invalid YAML", async () => {
    const io = captureIo({ "p.yml": "production:\n  branches: *main\n" });
    expect(await runCli(["validate", "p.yml"], io)).toBe(1);
    expect(io.out).toHaveLength(1);
    expect(io.out[0]).toMatch(/^p\.yml: invalid YAML: .*main/);
  });

  test("a file that is not a mapping", async () => {
    const io = captureIo({ "p.yml": "- mode\n- report\n" });
    expect(await runCli(["validate", "p.yml"], io)).toBe(1);
    expect(io.out).toEqual([
      "p.yml: (root): the file must be a mapping of keys to values, got a list",
      "p.yml: overrides.allowed is invalid: only admins may use markers until it is fixed",
      "p.yml: commands.allowed is invalid: only admins may run commands until it is fixed",
      "p.yml: overrides.approval.by is invalid: only admins may approve overrides until it is fixed",
      "p.yml: overrides.approval.required is invalid: an override needs 1 approval until it is fixed",
    ]);
  });

  test("a missing file: a clear message on stderr, exits 2", async () => {
    const io = captureIo();
    expect(await runCli(["validate", "nope.yml"], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual(["pipeline-guard validate: cannot read nope.yml: no such file"]);
  });

  test("a missing default file says where it was looked for", async () => {
    const io = captureIo();
    expect(await runCli(["validate"], io)).toBe(2);
    expect(io.err).toEqual([
      "pipeline-guard validate: cannot read .github/pipeline-guard.yml: no such file (run it in the repository's root, or name the file)",
    ]);
  });

  test("a directory cannot be read", async () => {
    const io = captureIo();
    expect(await runCli(["validate", "."], io)).toBe(2);
    expect(io.err).toEqual(["pipeline-guard validate: cannot read .: it is a directory"]);
  });

  test.each([
    ["permission denied", Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" })],
    ["another error", new Error("disk on fire")],
    ["something thrown that is not an error", "weird"],
  ])("a read that fails with %s is reported", async (_name, thrown) => {
    const io = { ...captureIo(), readFile: () => Promise.reject(thrown) };
    expect(await runCli(["validate", "p.yml"], io)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^pipeline-guard validate: cannot read p\.yml: (permission denied|disk on fire|weird)$/);
  });

  test.each([
    [["validate", "a.yml", "b.yml"], 'pipeline-guard validate: unexpected argument "b.yml"'],
    [["validate", "--strict"], 'pipeline-guard validate: unexpected argument "--strict"'],
  ])("%j is a usage error: exits 2", async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.err).toEqual([message]);
  });
});
