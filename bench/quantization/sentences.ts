/**
 * Held-out sentences for the accuracy harness. The default source is WikiText-2's test split
 * (../shared/data/pretrain/wikitext-2/wiki.test.tokens): gutenberg-mini was pre-trained on the Gutenberg novels
 * and tinyshakespeare only, so none of this text was in its training set. WikiText is stored tokenized; its
 * markers are undone (` @-@ ` → `-`, ` @,@ ` → `,`, ` @.@ ` → `.`), `= Heading =` lines skipped, and a sentence
 * containing `<unk>` (a word WikiText replaced) is dropped. Any other plain-text file is split the same way.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../../src/errors.js";

export interface SentenceOptions {
  /** Shortest and longest sentence kept, in whitespace-separated words. */
  minWords: number;
  maxWords: number;
}

function untokenize(line: string): string {
  return line.replace(/ @([-,.])@ /g, "$1").replace(/\s+/g, " ").trim();
}

/** Sentences of `file` in file order, each once. */
export function heldOutSentences(file: string, o: SentenceOptions): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new InputError(`--text ${file}: cannot read it; give a plain-text file (default ../shared/data/pretrain/wikitext-2/wiki.test.tokens)`);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || /^=.*=$/.test(line)) continue;
    // A sentence ends at . ! or ? followed by a space and an upper-case letter, a quote or a digit.
    for (const s of untokenize(line).split(/(?<=[.!?]["”’]?) (?=["“‘A-Z0-9])/)) {
      const words = s.split(" ").length;
      if (s.includes("<unk>") || words < o.minWords || words > o.maxWords || seen.has(s)) continue;
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}
