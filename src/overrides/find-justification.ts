/**
 * Where an override says why. In a PR body: a section under one of the configured headings
 * (`## Justification`) with text under it, or a `Justification: …` line. In a commit message
 * (a direct push has no PR body): a `Justification: …` line of the body.
 * HTML comments do not count: PR templates put their instructions there.
 */
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const MAX_JUSTIFICATION_LENGTH = 2000;

function withoutHtmlComments(text: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const open = text.indexOf("<!--", at);
    if (open < 0) return out + text.slice(at);
    out += text.slice(at, open);
    const close = text.indexOf("-->", open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
}

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Which lines are inside a fenced code block (fences included): a `## Justification` shown in a
 * template's example block is not a heading, and must not count as a justification.
 * An unclosed fence runs to the end, as in CommonMark.
 */
function fencedLines(lines: readonly string[]): boolean[] {
  const fenced: boolean[] = [];
  let open: string | null = null;
  for (const line of lines) {
    const fence = FENCE.exec(line);
    if (open === null) {
      if (fence && !(fence[1]?.startsWith("`") && fence[2]?.includes("`"))) open = fence[1] ?? null;
      fenced.push(open !== null);
    } else {
      fenced.push(true);
      if (fence && fence[1]?.[0] === open[0] && (fence[1]?.length ?? 0) >= open.length && fence[2]?.trim() === "") open = null;
    }
  }
  return fenced;
}

function normalizeHeading(text: string): string {
  return text.replace(/[*_:]/g, "").trim().toLowerCase();
}

function clip(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length === 0) return null;
  return trimmed.length > MAX_JUSTIFICATION_LENGTH ? `${trimmed.slice(0, MAX_JUSTIFICATION_LENGTH)}…` : trimmed;
}

function justificationLine(lines: readonly string[], labels: readonly string[]): string | null {
  const wanted = new Set(labels.map(normalizeHeading));
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0 || colon > 40) continue;
    if (wanted.has(normalizeHeading(line.slice(0, colon)))) {
      // `**Justification:** text`: the closing `**` follows the colon and is not part of the text.
      const text = clip(line.slice(colon + 1).replace(/^[*_]+/, ""));
      if (text) return text;
    }
  }
  return null;
}

export function findPullRequestJustification(body: string | null | undefined, headings: readonly string[]): string | null {
  if (!body) return null;
  const lines = withoutHtmlComments(body).split(/\r?\n/);
  const fenced = fencedLines(lines);
  const wanted = new Set(headings.map(normalizeHeading));
  for (let i = 0; i < lines.length; i++) {
    const heading = fenced[i] ? null : HEADING.exec(lines[i] ?? "");
    if (!heading || !wanted.has(normalizeHeading(heading[2] ?? ""))) continue;
    const level = heading[1]?.length ?? 1;
    const section: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = fenced[j] ? null : HEADING.exec(lines[j] ?? "");
      if (next && (next[1]?.length ?? 1) <= level) break;
      section.push(lines[j] ?? "");
    }
    // Subheadings alone (a template's empty "### Incident link") are not a justification.
    const hasText = section.some((line) => line.trim() !== "" && !HEADING.test(line));
    const text = hasText ? clip(section.join("\n")) : null;
    if (text) return text;
  }
  return justificationLine(lines.filter((_, i) => !fenced[i]), headings);
}

/** The subject line is the change itself; only the body can carry `Justification: …`. */
export function findCommitJustification(message: string | null | undefined, headings: readonly string[]): string | null {
  if (!message) return null;
  const [, ...body] = message.split(/\r?\n/);
  return justificationLine(body, ["Justification", ...headings]);
}
