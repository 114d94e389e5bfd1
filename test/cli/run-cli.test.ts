import { runCli, usage } from "../../src/cli/run-cli.js";
import { captureIo } from "./capture-io.js";

describe("runCli", () => {
  test.each([[[]], [["help"]], [["--help"]], [["-h"]]])("%j prints the usage and exits 0", async (argv) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(0);
    expect(io.out).toEqual([usage()]);
    expect(io.err).toEqual([]);
  });

  test("the usage lists every command", () => {
    const text = usage();
    expect(text).toMatch(/^Usage: pipeline-guard COMMAND/);
    for (const synopsis of [
      "validate [FILE]",
      "schema",
      "scan [--repo OWNER/NAME] [--dry-run]",
      "audit [--owner LOGIN] [--since 30d] [--format csv|json|md]",
      "help [COMMAND]",
    ]) {
      expect(text).toContain(`\n  ${synopsis}\n      `);
    }
  });

  test.each([[["help", "validate"]], [["validate", "--help"]], [["validate", "-h"]]])("%j prints the command's usage", async (argv) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(0);
    expect(io.out).toEqual(["Usage: pipeline-guard validate [FILE]\n\ncheck a configuration file offline (default: .github/pipeline-guard.yml)"]);
  });

  test("an unknown command prints the usage on stderr and exits 2", async () => {
    const io = captureIo();
    expect(await runCli(["valdiate"], io)).toBe(2);
    expect(io.out).toEqual([]);
    expect(io.err).toEqual([`pipeline-guard: unknown command "valdiate"\n\n${usage()}`]);
  });

});
