/**
 * Hugging Face's WordPiece trainer, which is its BPE trainer with the `##` continuing-subword prefix, whose
 * vocabulary then becomes a WordPiece model:
 *   1. special tokens, then the alphabet (characters by frequency, at most `limitAlphabet`, in code point order);
 *   2. every word as its characters, `##`-prefixed after the first (characters outside the alphabet are dropped);
 *   3. repeatedly merge the most frequent adjacent pair (ties: smaller ids first) into a new token (`a` + `##b` →
 *      `ab`), until the vocabulary is full or no pair occurs `minFrequency` times.
 * Unlike Hugging Face, whose ids for the `##c` tokens follow hash-map order, words are taken in first-seen order, so
 * the result is deterministic.
 */
import { codePointAt } from "../code-points.js";
import { MergeQueue, type MergeCandidate } from "./merge-queue.js";

export interface WordPieceTrainerOptions {
  vocabSize: number;
  /** A pair must occur at least this often to be merged (Hugging Face's default for BERT: 2). */
  minFrequency?: number;
  /** Keep at most this many characters in the alphabet, the most frequent (default 1000, as BertWordPieceTokenizer). */
  limitAlphabet?: number | null;
  /** Characters always in the alphabet. */
  initialAlphabet?: readonly string[];
  specialTokens?: readonly string[];
  continuingSubwordPrefix?: string;
  /** Called after each merge with the vocabulary size so far. */
  onMerge?: (vocabularySize: number) => void;
}

/** The trained vocabulary, in id order. */
export function trainWordPieceTokens(wordCounts: ReadonlyMap<string, number>, options: WordPieceTrainerOptions): string[] {
  const prefix = options.continuingSubwordPrefix ?? "##";
  const minFrequency = options.minFrequency ?? 0;
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  const add = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(token);
      ids.set(token, id);
    }
    return id;
  };

  for (const special of options.specialTokens ?? []) add(special);
  for (const ch of computeAlphabet(wordCounts, options.limitAlphabet ?? 1000, options.initialAlphabet ?? [])) add(ch);

  // Words as symbol ids.
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, count] of wordCounts) {
    const symbols: number[] = [];
    let first = true;
    for (const ch of word) {
      if (ids.has(ch)) symbols.push(add(first ? ch : prefix + ch));
      first = false;
    }
    words.push(symbols);
    counts.push(count);
  }

  // Pair counts and where each pair occurs. Pairs are keyed as left * 2^26 + right (ids stay far below 2^26).
  const key = (left: number, right: number): number => left * 0x4000000 + right;
  const pairCounts = new Map<number, number>();
  let whereToUpdate = new Map<number, Set<number>>();
  words.forEach((symbols, w) => {
    for (let i = 0; i + 1 < symbols.length; i++) {
      const k = key(symbols[i], symbols[i + 1]);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + counts[w]);
      let where = whereToUpdate.get(k);
      if (where === undefined) whereToUpdate.set(k, (where = new Set()));
      where.add(w);
    }
  });
  const queue = new MergeQueue();
  const enqueue = (): void => {
    for (const [k, where] of whereToUpdate) {
      const count = pairCounts.get(k) ?? 0;
      if (count > 0) queue.push({ left: Math.floor(k / 0x4000000), right: k % 0x4000000, count, words: where });
    }
    whereToUpdate = new Map();
  };
  enqueue();

  while (tokens.length < options.vocabSize) {
    const top: MergeCandidate | undefined = queue.pop();
    if (top === undefined) break;
    const k = key(top.left, top.right);
    const current = pairCounts.get(k) ?? 0;
    if (top.count !== current) {
      // Stale entry: put it back with its current count (Hugging Face's lazy update).
      top.count = current;
      queue.push(top);
      continue;
    }
    if (top.count < 1 || top.count < minFrequency) break;
    const right = tokens[top.right];
    const newId = add(tokens[top.left] + (right.startsWith(prefix) ? right.slice(prefix.length) : right));
    for (const w of top.words) {
      mergeInWord(words[w], top.left, top.right, newId, (left, rightId, change) => {
        const pk = key(left, rightId);
        pairCounts.set(pk, (pairCounts.get(pk) ?? 0) + change * counts[w]);
        if (change > 0) {
          let where = whereToUpdate.get(pk);
          if (where === undefined) whereToUpdate.set(pk, (where = new Set()));
          where.add(w);
        }
      });
    }
    enqueue();
    options.onMerge?.(tokens.length);
  }
  return tokens;
}

/** Replaces each (left, right) in `symbols` by `merged`, reporting the pair count changes. */
function mergeInWord(symbols: number[], left: number, right: number, merged: number, change: (l: number, r: number, delta: number) => void): void {
  for (let i = 0; i + 1 < symbols.length; i++) {
    if (symbols[i] !== left || symbols[i + 1] !== right) continue;
    if (i > 0) {
      change(symbols[i - 1], left, -1);
      change(symbols[i - 1], merged, 1);
    }
    symbols.splice(i, 2, merged);
    if (i + 1 < symbols.length) {
      change(right, symbols[i + 1], -1);
      change(merged, symbols[i + 1], 1);
    }
  }
}

/** Characters of the words by total frequency; the rarest dropped beyond `limit`; returned in code point order. */
export function computeAlphabet(wordCounts: ReadonlyMap<string, number>, limit: number | null, initial: readonly string[]): string[] {
  const frequency = new Map<string, number>();
  for (const [word, count] of wordCounts) {
    for (const ch of word) frequency.set(ch, (frequency.get(ch) ?? 0) + count);
  }
  for (const ch of initial) frequency.set(ch, Number.MAX_SAFE_INTEGER);
  let kept = [...frequency.entries()];
  if (limit !== null && kept.length > limit) {
    // Rarest first; among equal counts the higher code point goes first (Hugging Face leaves that order unspecified).
    kept.sort((a, b) => a[1] - b[1] || codePointAt(b[0], 0) - codePointAt(a[0], 0));
    kept = kept.slice(kept.length - limit);
  }
  return kept.map(([ch]) => ch).sort((a, b) => codePointAt(a, 0) - codePointAt(b, 0));
}
