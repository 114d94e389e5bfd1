/**
 * Issues and comments the app keeps carry hidden HTML comments: a key that finds them again
 * (`<!-- pipeline-guard:KIND KEY -->`) and, where the app needs memory, a JSON state block.
 * The app stays stateless: GitHub holds everything.
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

/** The body with its state block replaced by `state` (appended when it has none). */
export function replaceStateBlock(body: string, state: unknown): string {
  const start = body.indexOf(STATE_OPEN);
  const end = start < 0 ? -1 : body.indexOf(STATE_CLOSE, start + STATE_OPEN.length);
  if (start < 0 || end < 0) return `${body}\n${stateBlock(state)}`;
  return body.slice(0, start) + stateBlock(state) + body.slice(end + STATE_CLOSE.length);
}
