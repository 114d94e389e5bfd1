import { normalizeMarkerName } from "./normalize-marker-name.js";

/** A marker definition, as far as looking names up needs. */
interface NamedWords {
  name: string;
  aliases: readonly string[];
}

/** A node of the trie: children by trie code, and the canonical name if a word ends here. */
export interface TrieNode {
  next: (TrieNode | undefined)[];
  name: string | undefined;
  /** How many words through this node belong to markers not found yet; 0 makes it a dead end. */
  open: number;
}

const ASCII = 0x80;

/** The trie code of each ASCII character: lower-cased, with `_` and space as `-`. */
const CODES = Uint8Array.from({ length: ASCII }, (_, unit) => normalizeMarkerName(String.fromCharCode(unit)).charCodeAt(0));
// A bracketed word never holds these (the scan stops at them), so no word with one can match.
const NEVER_IN_A_WORD = /[[\]\r\n]/;

/**
 * The marker words (names and aliases) normalized, for looking up bracketed words one character
 * at a time: most bracketed words (`[x]`, `[WIP]`, `[[[[`) are ruled out after a character or two,
 * without slicing or normalizing anything. The trie holds ASCII only; a word with another
 * character is looked up whole with `lookUp`, which agrees with `normalizeMarkerName` everywhere.
 */
export class MarkerNameTrie {
  readonly root: TrieNode = { next: [], name: undefined, open: 0 };
  /** The longest word, in characters before or after normalizing. */
  readonly longest: number;
  /** How many distinct canonical names there are. */
  readonly names: number;
  private readonly byKey = new Map<string, string>();
  /** The nodes each marker's words pass through, to close them once the marker is found. */
  private readonly paths = new Map<string, TrieNode[]>();

  constructor(definitions: readonly NamedWords[]) {
    let longest = 0;
    const names = new Set<string>();
    for (const definition of definitions) {
      for (const word of [definition.name, ...definition.aliases]) {
        const key = normalizeMarkerName(word);
        if (this.byKey.has(key)) continue;
        this.byKey.set(key, definition.name);
        names.add(definition.name);
        if (word.length > longest) longest = word.length;
        if (key.length > longest) longest = key.length;
        this.insert(key, definition.name);
      }
    }
    this.longest = longest;
    this.names = names.size;
  }

  /** The trie code of an ASCII character (below 0x80): lower-cased, `_` and space as `-`. */
  static readonly codes: Readonly<Uint8Array> = CODES;

  /**
   * Makes the words of a found marker dead ends, so that scanning text that repeats a marker
   * (a PR template's hundred `[skip ci]`) stops at the first letter of each.
   */
  markFound(name: string): void {
    for (const node of this.paths.get(name) ?? []) node.open--;
    this.paths.delete(name);
  }

  /** The canonical name of a bracketed word's inside, any characters, or undefined. */
  lookUp(inner: string): string | undefined {
    return this.byKey.get(normalizeMarkerName(inner));
  }

  // A word with a non-ASCII character is walked up to it, so that a dead end in the trie always
  // means "no word starts like this": a bracketed word that reaches a non-ASCII character alive
  // is finished with lookUp.
  private insert(key: string, name: string): void {
    if (NEVER_IN_A_WORD.test(key)) return;
    const path = this.paths.get(name) ?? [];
    this.paths.set(name, path);
    let node = this.root;
    for (let i = 0; i < key.length; i++) {
      const unit = key.charCodeAt(i);
      if (unit >= ASCII) return;
      let child = node.next[unit];
      if (child === undefined) {
        child = { next: [], name: undefined, open: 0 };
        node.next[unit] = child;
      }
      child.open++;
      path.push(child);
      node = child;
    }
    node.name = name;
  }
}
