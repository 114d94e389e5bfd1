/**
 * Hidden HTML comments in what the app writes: a key line (`<!-- pipeline-guard:KIND KEY -->`,
 * SPEC section 5) that people and searches can see, and the unsigned state block of the app's PR
 * comment. The app's records (follow-ups, bypasses, the drift report) are found and trusted by
 * their signed block instead (src/records/signed-block.ts): a key line alone proves nothing.
 */
const KEY_PREFIX = "<!-- pipeline-guard:";

export function hiddenKey(kind: string, key: string): string {
  return `${KEY_PREFIX}${kind} ${key} -->`;
}

export function hasHiddenKey(body: string | null | undefined, kind: string, key: string): boolean {
  return (body ?? "").includes(hiddenKey(kind, key));
}

const STATE_OPEN = "<!-- pipeline-guard:state ";
const STATE_CLOSE = " -->";

/** `<` and `>` are JSON-escaped so that no value can close the HTML comment early. */
export function stateBlock(state: unknown): string {
  const json = JSON.stringify(state).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
  return `${STATE_OPEN}${json}${STATE_CLOSE}`;
}

/** The state block of a body, or undefined when it is absent or damaged (a hand edit): callers rebuild. */
export function readStateBlock(body: string | null | undefined): unknown {
  if (!body) return undefined;
  const start = body.indexOf(STATE_OPEN);
  if (start < 0) return undefined;
  const end = body.indexOf(STATE_CLOSE, start + STATE_OPEN.length);
  if (end < 0) return undefined;
  try {
    return JSON.parse(body.slice(start + STATE_OPEN.length, end)) as unknown;
  } catch {
    return undefined;
  }
}
