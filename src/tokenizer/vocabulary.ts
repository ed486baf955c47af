/**
 * A WordPiece vocabulary: id ↔ token. Parses and writes `vocab.txt` (one token per line, id = line number),
 * the way Hugging Face reads it: trailing whitespace trimmed, a later duplicate wins the token → id mapping.
 */
import { FormatError } from "../errors.js";
import { isWhitespace } from "./char-class.js";

export class Vocabulary {
  /** Token of each id (`tokens[id]`). */
  readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  constructor(tokens: readonly string[]) {
    this.tokens = tokens;
    const ids = new Map<string, number>();
    tokens.forEach((token, id) => ids.set(token, id));
    this.ids = ids;
  }

  /** From a token → id map (tokenizer.json); ids must be 0..n-1 without gaps. */
  static fromMap(map: ReadonlyMap<string, number> | Record<string, number>, source = "vocabulary"): Vocabulary {
    const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
    const tokens = new Array<string>(entries.length);
    for (const [token, id] of entries) {
      if (!Number.isInteger(id) || id < 0 || id >= entries.length || tokens[id] !== undefined) {
        throw new FormatError(`${source}: token ${JSON.stringify(token)} has id ${id}; ids must be 0..${entries.length - 1}, each used once`);
      }
      tokens[id] = token;
    }
    return new Vocabulary(tokens);
  }

  /** Parses the text of a vocab.txt file. */
  static parse(text: string, source = "vocab.txt"): Vocabulary {
    const lines = text.split("\n");
    if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    if (lines.length === 0) throw new FormatError(`${source}: the vocabulary is empty`);
    return new Vocabulary(lines.map(trimEndWhitespace));
  }

  get size(): number {
    return this.tokens.length;
  }

  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }

  tokenOf(id: number): string | undefined {
    return this.tokens[id];
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The text of a vocab.txt file for this vocabulary. */
  serialize(): string {
    for (const [id, token] of this.tokens.entries()) {
      if (token.includes("\n") || token !== trimEndWhitespace(token)) {
        throw new FormatError(`token ${id} (${JSON.stringify(token)}) cannot be written to vocab.txt: it ends in whitespace or holds a newline`);
      }
    }
    return this.tokens.join("\n") + "\n";
  }

  entries(): IterableIterator<[number, string]> {
    return this.tokens.entries();
  }
}

/** Rust's `str::trim_end`: White_Space only (unlike JavaScript's trimEnd, it keeps U+FEFF). */
function trimEndWhitespace(line: string): string {
  let end = line.length;
  while (end > 0 && isWhitespace(line.charCodeAt(end - 1))) end--;
  return end === line.length ? line : line.slice(0, end);
}
