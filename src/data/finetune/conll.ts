/**
 * CoNLL files for token classification (NER): one token per line in whitespace-separated columns, the word
 * first and the tag in the last column (or `tagColumn`, 0-based), a blank line after each sentence, and
 * `-DOCSTART-` lines between documents (skipped; they also end a sentence).
 *
 * Tags are IOB: `O`, `B-TYPE`, `I-TYPE`. Two schemes exist and are read into one, IOB2:
 * - IOB2: every chunk starts with `B-`.
 * - IOB1: a chunk starts with `I-`; `B-` appears only where a chunk follows another of the same type.
 * With `scheme: "auto"` (the default) a file is IOB1 when some `I-X` starts a chunk — at a sentence start,
 * after `O`, or after a tag of another type — which IOB2 never allows; it is then converted (that `I-X`
 * becomes `B-X`). Otherwise the tags are kept as they are. `scheme: "IOB2"` makes such an `I-X` an error;
 * `scheme: "IOB1"` always converts (an IOB2 file comes out unchanged).
 */
import { readFileSync } from "node:fs";
import { InputError } from "../../errors.js";

export type TagScheme = "IOB1" | "IOB2" | "auto";

export interface ConllOptions {
  /** Default "auto" (see the header). */
  scheme?: TagScheme;
  /** 0-based column of the tag (column 0 is the word); default: the last column. */
  tagColumn?: number;
}

export interface ConllSentence {
  words: string[];
  /** IOB2 tags, one per word. */
  tags: string[];
  /** 1-based line of the first word in the file; word i is on line `line + i`. */
  line: number;
}

export interface ConllExamples {
  /** The file they came from, for messages. */
  file: string;
  sentences: ConllSentence[];
  /** The scheme the file was written in (IOB1 ones are converted to IOB2 in `sentences`). */
  scheme: "IOB1" | "IOB2";
  /** The distinct tags, sorted (IOB2 form). */
  tags: string[];
}

const TAG = /^(?:O|[BI]-\S+)$/;

/** The type of a tag ("PER" for "B-PER"), "" for "O". */
function typeOf(tag: string): string {
  return tag === "O" ? "" : tag.slice(2);
}

/** Whether `tag` starts a chunk that IOB2 would have begun with `B-`: an `I-X` not continuing an X chunk. */
function iStartsChunk(previous: string, tag: string): boolean {
  return tag.startsWith("I-") && (previous === "O" || typeOf(previous) !== typeOf(tag));
}

/** Index of the first `I-X` that starts a chunk (an IOB1 chunk start), or -1. */
export function firstIob1Start(tags: readonly string[]): number {
  let previous = "O";
  for (let i = 0; i < tags.length; i++) {
    if (iStartsChunk(previous, tags[i])) return i;
    previous = tags[i];
  }
  return -1;
}

/** IOB1 → IOB2: an `I-X` that starts a chunk becomes `B-X`; every other tag is kept. */
export function iob1ToIob2(tags: readonly string[]): string[] {
  let previous = "O";
  return tags.map((tag) => {
    const out = iStartsChunk(previous, tag) ? `B-${typeOf(tag)}` : tag;
    previous = tag;
    return out;
  });
}

function checkOptions(options: ConllOptions): void {
  const scheme = options.scheme ?? "auto";
  if (scheme !== "IOB1" && scheme !== "IOB2" && scheme !== "auto") {
    throw new InputError(`unknown tag scheme ${JSON.stringify(scheme)}; use "IOB1", "IOB2" or "auto"`);
  }
  const column = options.tagColumn;
  if (column !== undefined && (!Number.isInteger(column) || column < 1)) {
    throw new InputError(`tagColumn must be an integer ≥ 1 (column 0 is the word), got ${column}`);
  }
}

/** Splits the text into sentences with the raw tags of `tagColumn`, checking columns and tags. */
function splitSentences(text: string, file: string, tagColumn: number | undefined): ConllSentence[] {
  const sentences: ConllSentence[] = [];
  let current: ConllSentence | null = null;
  let columns = 0;
  let firstLine = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("-DOCSTART-")) {
      current = null;
      continue;
    }
    const fields = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (columns === 0) {
      if (fields.length < 2) throw new InputError(`${where}: a token line needs the word and its tag separated by whitespace, got ${JSON.stringify(line)}`);
      columns = fields.length;
      firstLine = i + 1;
    } else if (fields.length !== columns) {
      throw new InputError(
        `${where}: ${fields.length} columns, but line ${firstLine} has ${columns}; every token line needs the same columns (a word with a space in it?)`,
      );
    }
    const column = tagColumn ?? columns - 1;
    if (column >= columns) throw new InputError(`${where}: tagColumn is ${column} but the lines have only columns 0–${columns - 1}`);
    const tag = fields[column];
    if (!TAG.test(tag)) {
      throw new InputError(
        `${where}: ${JSON.stringify(tag)} in column ${column} is not an IOB tag; tags are O, B-TYPE or I-TYPE (set tagColumn if the tags are in another column)`,
      );
    }
    if (current === null) {
      current = { words: [], tags: [], line: i + 1 };
      sentences.push(current);
    }
    current.words.push(fields[0]);
    current.tags.push(tag);
  }
  return sentences;
}

/** Parses the text of a CoNLL file; `file` names it in messages. */
export function parseConll(text: string, file: string, options: ConllOptions = {}): ConllExamples {
  checkOptions(options);
  const sentences = splitSentences(text.startsWith("\uFEFF") ? text.slice(1) : text, file, options.tagColumn);
  if (sentences.length === 0) throw new InputError(`${file} has no sentences; expected one token per line with its tag in the last column`);
  const scheme = options.scheme ?? "auto";
  let iob1 = scheme === "IOB1";
  for (let i = 0; i < sentences.length && !iob1; i++) {
    const s = sentences[i];
    const at = firstIob1Start(s.tags);
    if (at < 0) continue;
    if (scheme === "IOB2") {
      throw new InputError(
        `${file}:${s.line + at}: ${s.tags[at]} starts a chunk, which IOB2 does not allow (it must be B-${typeOf(s.tags[at])}); read the file as IOB1 or auto`,
      );
    }
    iob1 = true;
  }
  if (iob1) for (const s of sentences) s.tags = iob1ToIob2(s.tags);
  const tags = [...new Set(sentences.flatMap((s) => s.tags))].sort();
  return { file, sentences, scheme: iob1 ? "IOB1" : "IOB2", tags };
}

/** Reads a CoNLL file (see the header). */
export function readConll(file: string, options: ConllOptions = {}): ConllExamples {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(`${file} does not exist; give a CoNLL file (one "word … tag" line per token)`);
    if (code === "EISDIR") throw new InputError(`${file} is a folder; give a CoNLL file (one "word … tag" line per token)`);
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseConll(text, file, options);
}
