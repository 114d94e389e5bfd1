import fc from "fast-check";
import { escapeInlineText, MAX_QUOTED_LENGTH, quietLogin, quoteBlock, unescapeInline } from "../../src/markdown/escape-markdown.js";

/** An @-mention GitHub would act on: `@` after a non-word character (or at the start), then a login character. */
const MENTION = /(^|[^\w])@[A-Za-z0-9]/;

describe("escapeInlineText", () => {
  test.each(["@alice", "hi @alice", "(@alice)", "@org/team", "cc:@bob", "@@alice", "@\talice"])("%s never survives as a mention", (text) => {
    const out = escapeInlineText(text);
    expect(out).not.toMatch(MENTION);
    // The login is still readable: only the zero-width space was added.
    expect(out.replace(/\u200b/g, "")).toMatch(/@/);
  });

  test("an email address keeps its @ but cannot mention", () => {
    expect(escapeInlineText("alice@example.com")).not.toMatch(MENTION);
  });

  test.each([
    ["an <img> with an onerror", "<img src=x onerror=alert(1)>", "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"],
    ["an HTML comment", "a <!-- hidden --> b", "a &lt;\\!-- hidden --&gt; b"],
    ["a javascript: link", "[click](javascript:alert(1))", "\\[click\\]\\(javascript:alert\\(1\\)\\)"],
    ["backticks", "`code` and ```fence```", "\\`code\\` and \\`\\`\\`fence\\`\\`\\`"],
    ["table pipes", "a | b || c", "a \\| b \\|\\| c"],
    ["emphasis and headings", "*bold* _it_ # h ~~s~~", "\\*bold\\* \\_it\\_ \\# h \\~\\~s\\~\\~"],
    ["an entity stays literal", "&lt;b&gt;", "&amp;lt;b&amp;gt;"],
    ["a URL is not autolinked", "https://evil.example", "https:\u200b//evil.example"],
    ["a backslash", "C:\\path", "C:\\\\path"],
  ])("%s", (_name, text, expected) => {
    expect(escapeInlineText(text)).toBe(expected);
  });

  test("newlines, CRs and tabs collapse to one space and the ends are trimmed", () => {
    expect(escapeInlineText("  line one\r\n\r\nline two\n\tthree \n")).toBe("line one line two three");
    expect(escapeInlineText("a\rb")).toBe("a b");
  });

  test("text longer than the limit is cut with …", () => {
    expect(escapeInlineText("abcdefghij", 4)).toBe("abcd…");
    expect(escapeInlineText("abcd", 4)).toBe("abcd");
    expect(escapeInlineText("x".repeat(MAX_QUOTED_LENGTH + 50))).toBe(`${"x".repeat(MAX_QUOTED_LENGTH)}…`);
  });

  test("property: no raw <, no newline, no @ directly before an alphanumeric, for any string", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: fc.constantFrom(..."@a<>\n\r`|[]()!-Z9 \t&"), maxLength: 400 })), (text) => {
        const out = escapeInlineText(text);
        expect(out).not.toContain("<");
        expect(out).not.toMatch(/[\r\n]/);
        expect(out).not.toMatch(/@[A-Za-z0-9]/);
      }),
      { numRuns: 500 },
    );
  });
});

describe("quoteBlock", () => {
  test("every line is prefixed with `> ` and escaped", () => {
    const out = quoteBlock("first @alice\n<b>second</b>\n\nfourth");
    expect(out.split("\n")).toEqual(["> first @\u200balice", "> &lt;b&gt;second&lt;/b&gt;", "> ", "> fourth"]);
  });

  test.each([
    ["LF", "a\nb\nc"],
    ["CRLF", "a\r\nb\r\nc"],
    ["a lone CR, which markdown also ends a line at", "a\rb\rc"],
  ])("%s: three quoted lines, no line break left inside one", (_name, text) => {
    const lines = quoteBlock(text).split("\n");
    expect(lines).toEqual(["> a", "> b", "> c"]);
  });

  test("a line cannot end the quote by quoting itself or opening HTML", () => {
    const out = quoteBlock("> nested\n<!-- x");
    expect(out).toBe("> &gt; nested\n> &lt;\\!-- x");
  });

  test("long text is cut with …", () => {
    expect(quoteBlock("abcdef", 3)).toBe("> abc…");
  });

  test("property: every line of the output is quoted, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ab\n\r >@<"), maxLength: 200 }), (text) => {
        for (const line of quoteBlock(text).split(/\r\n|\r|\n/)) expect(line.startsWith("> ")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("quietLogin", () => {
  test("a login in a code span, which never notifies, without backticks of its own", () => {
    expect(quietLogin("alice")).toBe("`alice`");
    expect(quietLogin("a`b")).toBe("`ab`");
  });
});

describe("unescapeInline", () => {
  test("gives back any one-line text escapeInlineText escaped (the audit ledger reads quoted text as data)", () => {
    const oneLine = fc.string({ maxLength: 200 }).map((t) => t.replace(/[\r\n\t]+/g, " ").trim());
    fc.assert(fc.property(oneLine, (text) => unescapeInline(escapeInlineText(text, 1000)) === text));
  });
});
