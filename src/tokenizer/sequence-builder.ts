/**
 * Collects the tokens of one sequence while it is being tokenized: ids, offsets mapped back to the original text,
 * word indices. Buffers are reused from one call to the next: `view` returns views of them that stay valid only
 * until the next `reset` (the post-processor copies them into the final encoding).
 */
import type { PieceSink } from "./wordpiece.js";

/** Tokens of one sequence before truncation and special tokens: ids, [start, end) pairs, word indices. */
export interface SequenceTokens {
  ids: Int32Array;
  offsets: Int32Array;
  words: Int32Array;
}

/** Tokens [start, stop) of `t`, as views. */
export function sliceTokens(t: SequenceTokens, start: number, stop: number): SequenceTokens {
  return { ids: t.ids.subarray(start, stop), offsets: t.offsets.subarray(2 * start, 2 * stop), words: t.words.subarray(start, stop) };
}

export const NO_TOKENS: SequenceTokens = { ids: new Int32Array(0), offsets: new Int32Array(0), words: new Int32Array(0) };

export class SequenceBuilder implements PieceSink {
  private ids = new Int32Array(256);
  private offsets = new Int32Array(512);
  private words = new Int32Array(256);
  private count = 0;
  /** Current word index; the caller bumps it once per word. */
  word = -1;
  /** Offset of the current normalized text's source within the original text. */
  private base = 0;
  private sourceStart: Int32Array | null = null;
  private sourceEnd: Int32Array | null = null;

  reset(): void {
    this.count = 0;
    this.word = -1;
  }

  /** Gives back buffers grown by a very long input, so a tokenizer does not hold on to them. */
  shrink(): void {
    if (this.ids.length <= 1 << 16) return;
    this.ids = new Int32Array(256);
    this.offsets = new Int32Array(512);
    this.words = new Int32Array(256);
    this.count = 0;
  }

  /** Pieces pushed next have offsets in a normalized text whose source starts at `base`, aligned by these arrays. */
  setSource(base: number, sourceStart: Int32Array | null, sourceEnd: Int32Array | null): void {
    this.base = base;
    this.sourceStart = sourceStart;
    this.sourceEnd = sourceEnd;
  }

  /** A piece at [start, end) of the current normalized text. */
  push(id: number, start: number, end: number): void {
    const s = this.sourceStart === null ? start : this.sourceStart[start];
    const e = this.sourceEnd === null ? end : this.sourceEnd[end - 1];
    this.pushOriginal(id, this.base + s, this.base + e);
  }

  /** A token whose offsets are already in original-text coordinates. */
  pushOriginal(id: number, start: number, end: number): void {
    if (this.count === this.ids.length) this.grow();
    const i = this.count++;
    this.ids[i] = id;
    this.offsets[2 * i] = start;
    this.offsets[2 * i + 1] = end;
    this.words[i] = this.word;
  }

  view(): SequenceTokens {
    const n = this.count;
    return { ids: this.ids.subarray(0, n), offsets: this.offsets.subarray(0, 2 * n), words: this.words.subarray(0, n) };
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
    const offsets = new Int32Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const words = new Int32Array(this.words.length * 2);
    words.set(this.words);
    this.words = words;
  }
}
