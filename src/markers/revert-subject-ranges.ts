const PREFIX = 'Revert "';
// GitHub's squash merge appends the PR number: `Revert "Add x [skip ci]" (#12)`.
const PR_SUFFIX = /^ \(#\d+\)$/;
const NONE = new Int32Array(0);

/**
 * The first line of a revert commit (`Revert "…"`, nested `Revert "Revert "…""` too) as a flat
 * `[start, end]` list, or an empty one: it quotes the reverted commit's subject, whose markers were meant
 * for that commit, not this one.
 */
export function revertSubjectRanges(message: string): Int32Array {
  if (!message.startsWith(PREFIX)) return NONE;
  const newline = message.indexOf("\n");
  const lineEnd = newline === -1 ? message.length : newline;
  const line = message.slice(0, lineEnd).trimEnd();
  const lastQuote = line.lastIndexOf('"');
  if (lastQuote < PREFIX.length) return NONE;
  const rest = line.slice(lastQuote + 1);
  if (rest !== "" && !PR_SUFFIX.test(rest)) return NONE;
  return Int32Array.of(0, lineEnd);
}
