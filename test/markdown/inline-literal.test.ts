import { inlineLiteral, MAX_LITERAL_LENGTH } from "../../src/markdown/inline-literal.js";

describe("inlineLiteral", () => {
  test.each([
    ["a plain name: a code span", "main", "`main`"],
    ["markdown, a mention and a link stay inert inside a code span", "*x* _y_ @admin https://x.test [a](b)", "`*x* _y_ @admin https://x.test [a](b)`"],
    ["a backtick: escaped text", "a`b", "a\\`b"],
    ["HTML: escaped text, no < or > left", "<img src=x>", "&lt;img src\\=x&gt;"],
    ["a newline: escaped text on one line", "a\nb", "a b"],
    ["leading space (a code span would trim it): escaped text", " x", "x"],
    ["empty", "", "(empty)"],
  ])("%s", (_name, text, rendered) => {
    expect(inlineLiteral(text)).toBe(rendered);
  });

  test(`cut to ${MAX_LITERAL_LENGTH} characters`, () => {
    expect(inlineLiteral("x".repeat(500))).toBe(`\`${"x".repeat(MAX_LITERAL_LENGTH)}…\``);
    expect(inlineLiteral("abcdef", 3)).toBe("`abc…`");
  });
});
