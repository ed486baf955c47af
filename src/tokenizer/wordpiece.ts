/**
 * Stage 3: the WordPiece model. Greedy longest match first: the longest vocabulary entry that starts the word, then
 * the longest `##`-prefixed entry that continues it, and so on; a word with no full cover, or longer than
 * `maxInputCharsPerWord` code points, becomes one `[UNK]` spanning the word (as in Hugging Face `tokenizers`).
 */
import { FormatError } from "../errors.js";
import { codePointAt, utf16Width } from "./code-points.js";
import { PieceTrie } from "./piece-trie.js";
import type { Vocabulary } from "./vocabulary.js";

export interface WordPieceOptions {
  unkToken?: string;
  continuingSubwordPrefix?: string;
  maxInputCharsPerWord?: number;
}

/** Where pieces go: token id and [start, end) in the text that was tokenized. */
export interface PieceSink {
  push(id: number, start: number, end: number): void;
}

export interface Piece {
  id: number;
  token: string;
  start: number;
  end: number;
}

export class WordPiece {
  readonly vocab: Vocabulary;
  readonly unkToken: string;
  readonly unkId: number;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly trie = new PieceTrie();
  /** Trie node after the continuation prefix: continuation pieces are matched from here (-1: none exist). */
  private readonly continuationRoot: number;

  constructor(vocab: Vocabulary, options: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.unkToken = options.unkToken ?? "[UNK]";
    this.continuingSubwordPrefix = options.continuingSubwordPrefix ?? "##";
    this.maxInputCharsPerWord = options.maxInputCharsPerWord ?? 100;
    const unkId = vocab.idOf(this.unkToken);
    if (unkId === undefined) {
      throw new FormatError(`the vocabulary has no unknown token ${JSON.stringify(this.unkToken)}; WordPiece needs one`);
    }
    this.unkId = unkId;
    // Insert in id order but let the id the vocabulary maps each token to win (duplicates: the later line).
    for (const [, token] of vocab.entries()) this.trie.insert(token, vocab.idOf(token) ?? -1);
    this.continuationRoot = this.continuingSubwordPrefix === "" ? PieceTrie.ROOT : this.trie.walk(this.continuingSubwordPrefix);
  }

  /** Tokenizes `text.slice(start, end)` (one word) into `sink`, with offsets in `text`. */
  tokenizeInto(text: string, start: number, end: number, sink: PieceSink): void {
    if (end - start > this.maxInputCharsPerWord && countCodePoints(text, start, end) > this.maxInputCharsPerWord) {
      sink.push(this.unkId, start, end);
      return;
    }
    const trie = this.trie;
    // Fast path: the whole word is a vocabulary entry (most words of running text).
    let node = PieceTrie.ROOT;
    let i = start;
    for (; i < end && node >= 0; i++) node = trie.child(node, text.charCodeAt(i));
    if (node >= 0 && trie.value(node) >= 0) {
      sink.push(trie.value(node), start, end);
      return;
    }
    // Greedy longest match; pieces are staged so that a word with an uncovered position becomes one [UNK].
    let count = 0;
    for (let pos = start; pos < end; count++) {
      const root = count === 0 ? PieceTrie.ROOT : this.continuationRoot;
      const matchEnd = root < 0 ? -1 : this.longestMatch(text, pos, end, root);
      if (matchEnd < 0) {
        sink.push(this.unkId, start, end);
        return;
      }
      if (count === this.stagedIds.length) this.growStaging();
      this.stagedIds[count] = this.matchedId;
      this.stagedEnds[count] = matchEnd;
      pos = matchEnd;
    }
    let pieceStart = start;
    for (let k = 0; k < count; k++) {
      sink.push(this.stagedIds[k], pieceStart, this.stagedEnds[k]);
      pieceStart = this.stagedEnds[k];
    }
  }

  /** Convenience form: the pieces of one word. */
  tokenize(word: string): Piece[] {
    const pieces: Piece[] = [];
    this.tokenizeInto(word, 0, word.length, {
      push: (id, start, end) => pieces.push({ id, token: this.vocab.tokenOf(id) ?? this.unkToken, start, end }),
    });
    return pieces;
  }

  /** Longest vocabulary match from `from` (before `end`) starting at trie `root`: returns its end, or -1. */
  private longestMatch(text: string, from: number, end: number, root: number): number {
    const trie = this.trie;
    let node = root;
    let bestEnd = -1;
    for (let i = from; i < end; i++) {
      node = trie.child(node, text.charCodeAt(i));
      if (node < 0) break;
      if (trie.value(node) >= 0) {
        bestEnd = i + 1;
        this.matchedId = trie.value(node);
      }
    }
    return bestEnd;
  }

  private matchedId = -1;

  private stagedIds = new Int32Array(32);
  private stagedEnds = new Int32Array(32);

  private growStaging(): void {
    const ids = new Int32Array(this.stagedIds.length * 2);
    ids.set(this.stagedIds);
    const ends = new Int32Array(this.stagedEnds.length * 2);
    ends.set(this.stagedEnds);
    this.stagedIds = ids;
    this.stagedEnds = ends;
  }
}

function countCodePoints(text: string, start: number, end: number): number {
  let count = 0;
  // A pair that straddles `end` still counts once: the step past it ends the loop.
  for (let i = start; i < end; i += utf16Width(codePointAt(text, i))) count++;
  return count;
}
