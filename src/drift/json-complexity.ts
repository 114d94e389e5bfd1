const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * What in a JSON text exceeds a limit, found in one pass and constant memory before JSON.parse
 * builds anything: nesting deeper than `maxNesting`, or more than `maxTokens` tokens (strings,
 * opening brackets, commas and colons outside strings: each becomes a string, an object, an array
 * or a slot, so their count bounds what parsing allocates far better than the text's length
 * does: `[{},{},…]` costs some 50 bytes of memory per 3 bytes of text). Brackets inside strings,
 * escaped quotes included, do not count. Text that is not JSON is left for JSON.parse to refuse:
 * this only has to be right for text that is.
 */
export function jsonComplexity(json: string, limits: { maxNesting: number; maxTokens: number }): "nesting" | "tokens" | null {
  let depth = 0;
  let tokens = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > limits.maxNesting) return "nesting";
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      continue;
    } else if (c !== COMMA && c !== COLON) {
      continue;
    }
    if (++tokens > limits.maxTokens) return "tokens";
  }
  return null;
}
