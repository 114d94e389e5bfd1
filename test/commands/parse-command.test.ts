import { COMMAND_HELP, isResourceAddress, parseCommand, type ParsedCommand } from "../../src/commands/parse-command.js";

const ok = (command: Extract<ParsedCommand, { ok: true }>["command"]): ParsedCommand => ({ ok: true, command });

/** The comment's text, and what the parser makes of it. */
const ACCEPTED: [string, string, ParsedCommand][] = [
  ["the prefix alone is help", "/pipeline-guard", ok({ name: "help" })],
  ["help", "/pipeline-guard help", ok({ name: "help" })],
  ["case-insensitive prefix and command", "/Pipeline-Guard Help", ok({ name: "help" })],
  ["rescan", "/pipeline-guard rescan", ok({ name: "rescan" })],
  ["recheck", "/pipeline-guard recheck", ok({ name: "recheck" })],
  ["spaces around the command", "  /pipeline-guard   rescan  ", ok({ name: "rescan" })],
  ["three spaces of indentation are still a paragraph", "   /pipeline-guard rescan", ok({ name: "rescan" })],
  ["many spaces within the line (collapsed in the reason)", "/pipeline-guard     accept   x   until   2026-12-31   a   reason", ok({ name: "accept", id: "x", until: "2026-12-31", reason: "a reason" })],
  ["only the first line counts", "/pipeline-guard rescan\n/pipeline-guard replace aws_instance.x", ok({ name: "rescan" })],
  ["a CRLF comment", "/pipeline-guard recheck\r\nplease", ok({ name: "recheck" })],
  ["replace a resource", "/pipeline-guard replace aws_instance.prod_db", ok({ name: "replace", address: "aws_instance.prod_db" })],
  ["replace in a module, by index", "/pipeline-guard replace module.db.aws_instance.this[0]", ok({ name: "replace", address: "module.db.aws_instance.this[0]" })],
  ["replace by for_each key", '/pipeline-guard replace aws_s3_bucket.b["logs"]', ok({ name: "replace", address: 'aws_s3_bucket.b["logs"]' })],
  ["replace a data source", "/pipeline-guard replace data.aws_ami.x", ok({ name: "replace", address: "data.aws_ami.x" })],
  [
    "accept with a date and a reason",
    "/pipeline-guard accept protection:master:enforce_admins until 2026-12-31 reason text",
    ok({ name: "accept", id: "protection:master:enforce_admins", until: "2026-12-31", reason: "reason text" }),
  ],
  ["accept without a date", "/pipeline-guard accept deployment:production known, tracked in JIRA-12", ok({ name: "accept", id: "deployment:production", until: null, reason: "known, tracked in JIRA-12" })],
  [
    "accept a quoted id with escaped quotes",
    '/pipeline-guard accept "terraform:aws_s3_bucket.b[\\"my key\\"]" reason',
    ok({ name: "accept", id: 'terraform:aws_s3_bucket.b["my key"]', until: null, reason: "reason" }),
  ],
  [
    "accept an id in single quotes",
    "/pipeline-guard accept 'terraform:aws_s3_bucket.b[\"my key\"]' until 2026-12-31 the bucket moves",
    ok({ name: "accept", id: 'terraform:aws_s3_bucket.b["my key"]', until: "2026-12-31", reason: "the bucket moves" }),
  ],
  ["accept an id in a code span", '/pipeline-guard accept `terraform:aws_s3_bucket.b["my key"]` why', ok({ name: "accept", id: 'terraform:aws_s3_bucket.b["my key"]', until: null, reason: "why" })],
  ["accept on a leap day", "/pipeline-guard accept x until 2028-02-29 r", ok({ name: "accept", id: "x", until: "2028-02-29", reason: "r" })],
];

describe("parseCommand: commands that run", () => {
  test.each(ACCEPTED)("%s", (_name, body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });
});

const error = (body: string): string => {
  const parsed = parseCommand(body);
  if (parsed === null || parsed.ok) throw new Error(`expected a refusal of ${JSON.stringify(body)}, got ${JSON.stringify(parsed)}`);
  return parsed.error;
};

describe("parseCommand: replace refuses whatever is not one resource address (nothing is dispatched)", () => {
  test.each([
    ["a semicolon and a command", "aws_instance.x; rm -rf /"],
    ["a command substitution", "$(id)"],
    ["a substitution in an address", "aws_instance.$(id)"],
    ["backticks", "aws_instance.`id`"],
    ["an escaped quote in a key", 'aws_s3_bucket.b["a\\"b"]'],
    ["a single quote", "aws_instance.x'"],
    ["a key in single quotes", "aws_s3_bucket.b['logs']"],
    ["a pipe", "aws_instance.x|sh"],
    ["an ampersand", "aws_instance.x&&id"],
    ["a redirection", "aws_instance.x>/tmp/x"],
    ["a dollar in a key", 'aws_s3_bucket.b["$HOME"]'],
    ["two addresses", "aws_instance.a aws_instance.b"],
    ["no address", ""],
    ["a lone name", "aws_instance"],
    ["a flag", "-auto-approve"],
    ["a key with a space (it would split in a shell)", 'aws_s3_bucket.b["my key"]'],
  ])("%s", (_name, address) => {
    expect(error(`/pipeline-guard replace ${address}`)).toMatch(/^replace needs one Terraform resource address/);
  });

  test("a newline in the address: the first line is cut there, and what is left is no address", () => {
    expect(error('/pipeline-guard replace aws_s3_bucket.b["a\nb"]')).toMatch(/^replace needs one/);
    expect(error("/pipeline-guard replace aws_instance.\nx")).toMatch(/^replace needs one/);
  });

  test("a carriage return alone does not end the line, and splits the address", () => {
    expect(error("/pipeline-guard replace aws_instance.x\r; rm -rf /")).toMatch(/^replace needs one/);
  });
});

describe("isResourceAddress", () => {
  test.each(["aws_instance.prod_db", "module.db.aws_instance.this[0]", 'aws_s3_bucket.b["logs"]', "data.aws_ami.x", 'module.a["k"].module.b.aws_x.y[12]', "google-beta_thing.my-name"])(
    "accepts %s",
    (address) => expect(isResourceAddress(address)).toBe(true),
  );

  test.each(["aws_instance.x\n", "\naws_instance.x", "aws_instance.x\r", "aws_instance.x ", "aws_instance", "1aws.x", "aws_instance.x[-1]", 'aws_instance.x["a\\b"]', "aws_instance.x[\"a'b\"]", ""])(
    "refuses %j",
    (address) => expect(isResourceAddress(address)).toBe(false),
  );

  test("refuses an address longer than 300 characters", () => {
    expect(isResourceAddress(`aws_instance.${"a".repeat(287)}`)).toBe(true);
    expect(isResourceAddress(`aws_instance.${"a".repeat(288)}`)).toBe(false);
  });
});

describe("parseCommand: accept refuses what it cannot record", () => {
  test.each([
    ["February 30th", "/pipeline-guard accept x until 2026-02-30 reason", /"2026-02-30" is not a date of the form YYYY-MM-DD/],
    ["a day-first date", "/pipeline-guard accept x until 31-12-2026 reason", /"31-12-2026" is not a date/],
    ["a 13th month", "/pipeline-guard accept x until 2026-13-01 reason", /"2026-13-01" is not a date/],
    ["no reason", "/pipeline-guard accept x", /^accept needs a reason/],
    ["a date and no reason", "/pipeline-guard accept x until 2026-12-31", /^accept needs a reason/],
    ["no id", "/pipeline-guard accept", /^accept needs the id of a drift item/],
    ["an empty quoted id", '/pipeline-guard accept "" reason', /^accept needs the id/],
    ["an unterminated quoted id", '/pipeline-guard accept "terraform:x reason', /^accept needs the id/],
    ["a quote escaped at the end", '/pipeline-guard accept "x\\" reason', /^accept needs the id/],
  ])("%s", (_name, body, message) => {
    const text = error(body);
    expect(text).toMatch(message);
    if (!/needs the id/.test(text)) expect(text).toContain("usage: /pipeline-guard accept ID [until YYYY-MM-DD] REASON");
  });
});

describe("parseCommand: other comments", () => {
  test("an unknown command is an error that names it (cut short)", () => {
    expect(parseCommand("/pipeline-guard deploy now")).toEqual({ ok: false, error: 'unknown command "deploy"' });
    expect(error(`/pipeline-guard ${"x".repeat(100)}`)).toBe(`unknown command "${"x".repeat(40)}"`);
  });

  test.each([
    ["no command", "Looks good to me!"],
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["another app's command", "/pipeline-guardian rescan"],
    ["the prefix glued to a word", "/pipeline-guard-rescan"],
    ["the prefix not at the start", "please /pipeline-guard rescan"],
    ["a fenced code block", "```\n/pipeline-guard rescan\n```"],
    ["a quote", "> /pipeline-guard rescan"],
    ["a command on the second line", "Thanks!\n/pipeline-guard rescan"],
    ["an indented code block", "    /pipeline-guard rescan"],
    ["a tab-indented code block", "\t/pipeline-guard rescan"],
    ["inline code", "`/pipeline-guard rescan`"],
  ])("%s: not a command (null)", (_name, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  test("a 1 MB comment is parsed fast, from its first line only", () => {
    const body = `/pipeline-guard rescan\n${"/pipeline-guard replace aws_instance.x\n".repeat(26_000)}`;
    expect(body.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    expect(parseCommand(body)).toEqual(ok({ name: "rescan" }));
    expect(parseCommand(`Hello ${"a".repeat(1_000_000)}`)).toBeNull();
    expect(parseCommand("`".repeat(1_000_000))).toBeNull();
    expect(performance.now() - started).toBeLessThan(50);
  });

  test("a first line longer than 1000 characters is refused, not cut short into another command", () => {
    // Cut at 1000 characters, this would be a valid replace of the first address only.
    const padded = `/pipeline-guard replace aws_instance.a${" ".repeat(1000)}aws_instance.b`;
    expect(error(padded)).toBe("the command line is longer than 1000 characters");
    const started = performance.now();
    expect(error(`/pipeline-guard accept x ${"because ".repeat(130_000)}`)).toBe("the command line is longer than 1000 characters");
    expect(performance.now() - started).toBeLessThan(50);
  });

  test("a first line of exactly 1000 characters still counts", () => {
    const line = `/pipeline-guard accept x ${"r".repeat(1000 - "/pipeline-guard accept x ".length)}`;
    expect(line).toHaveLength(1000);
    expect(parseCommand(`${line}\r\nmore`)).toMatchObject({ ok: true, command: { name: "accept", id: "x" } });
    expect(parseCommand(`${line}\nmore`)).toMatchObject({ ok: true, command: { name: "accept", id: "x" } });
  });
});

describe("COMMAND_HELP", () => {
  test("lists every command", () => {
    for (const command of ["rescan", "recheck", "replace ADDRESS", "accept ID [until YYYY-MM-DD] REASON", "help"]) {
      expect(COMMAND_HELP).toContain(`\`/pipeline-guard ${command}\``);
    }
  });
});

describe("parseCommand: waive", () => {
  test("the reason is the rest of the line, as written", () => {
    expect(parseCommand("/pipeline-guard waive The service is retired: no postmortem.")).toEqual({ ok: true, command: { name: "waive", reason: "The service is retired: no postmortem." } });
  });

  test.each(["/pipeline-guard waive", "/pipeline-guard waive   "])("no reason (%j): refused, the record must say why", (body) => {
    expect(parseCommand(body)).toEqual({ ok: false, error: expect.stringContaining("waive needs a reason") });
  });

  test("help lists it", () => {
    expect(COMMAND_HELP).toContain("`/pipeline-guard waive REASON`");
  });
});
