/**
 * A block: the documents that are held in memory together, as one flat array of word-piece ids. NSP pairs are
 * built within a block, and a random B is drawn from another document of the same block, so memory is bounded by
 * the block's size (`blockTokens`), not the corpus's. google-research/bert holds the whole corpus at once; a corpus
 * that fits in one block gets exactly its behaviour.
 *
 * Sentence s of the block is `tokens[sentenceStarts[s], sentenceStarts[s + 1])`; document d is sentences
 * `[documentStarts[d], documentStarts[d + 1])`. The sentences of a document are contiguous, so any run of
 * consecutive sentences (an A or a B segment) is one range of `tokens`.
 */

export interface Block {
  tokens: Int32Array;
  /** Length = sentences + 1. */
  sentenceStarts: Int32Array;
  /** Length = documents + 1, in sentence indices. */
  documentStarts: Int32Array;
}

export function documentCount(block: Block): number {
  return block.documentStarts.length - 1;
}

/** A growable int32 array. */
class IntList {
  data: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(capacity, 16));
  }

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(this.length + 1);
    this.data[this.length++] = value;
  }

  append(values: Int32Array): void {
    this.reserve(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }

  private reserve(needed: number): void {
    if (needed <= this.data.length) return;
    let capacity = this.data.length;
    while (capacity < needed) capacity *= 2;
    const grown = new Int32Array(capacity);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}

/**
 * Gathers sentences into blocks of at most `blockTokens` ids. When a sentence does not fit, the block is handed
 * on (`take`) and the document it was part of goes on as a new document in the next block: a document longer
 * than a block is cut at a sentence boundary, and no pair spans the cut.
 */
export class BlockBuilder {
  private tokens: IntList;
  private sentenceStarts = new IntList(1024);
  private documentStarts = new IntList(64);
  private open = false;
  /** Documents begun, over all blocks (a document cut by a block boundary counts in each block). */
  documents = 0;

  constructor(private readonly blockTokens: number) {
    this.tokens = new IntList(Math.min(blockTokens, 1 << 20));
    this.reset();
  }

  /** True when `sentence` would make the block larger than its size (an empty block takes any sentence). */
  wouldOverflow(sentenceLength: number): boolean {
    return this.tokens.length > 0 && this.tokens.length + sentenceLength > this.blockTokens;
  }

  get tokenCount(): number {
    return this.tokens.length;
  }

  add(sentence: Int32Array): void {
    if (!this.open) {
      this.documentStarts.push(this.sentenceStarts.length - 1);
      this.open = true;
      this.documents++;
    }
    this.tokens.append(sentence);
    this.sentenceStarts.push(this.tokens.length);
  }

  endDocument(): void {
    this.open = false;
  }

  /** The block so far (closing its last document), or null when it is empty; the builder starts a new block. */
  take(): Block | null {
    if (this.tokens.length === 0) return null;
    const documentStarts = this.documentStarts.toArray();
    const block: Block = {
      tokens: this.tokens.toArray(),
      sentenceStarts: this.sentenceStarts.toArray(),
      documentStarts: appended(documentStarts, this.sentenceStarts.length - 1),
    };
    this.reset();
    this.open = false; // the rest of an unfinished document starts a new one in the next block
    return block;
  }

  private reset(): void {
    this.tokens = new IntList(Math.min(this.blockTokens, 1 << 20));
    this.sentenceStarts = new IntList(1024);
    this.sentenceStarts.push(0);
    this.documentStarts = new IntList(64);
  }
}

function appended(values: Int32Array, last: number): Int32Array {
  const out = new Int32Array(values.length + 1);
  out.set(values);
  out[values.length] = last;
  return out;
}
