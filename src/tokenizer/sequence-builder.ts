/**
 * Collects the tokens of one sequence while it is being tokenized: ids, offsets mapped back to the original text,
 * word indices. Buffers are reused from one call to the next; `build` copies out exactly-sized arrays.
 */
import type { EncodingFields } from "./encoding.js";
import type { PieceSink } from "./wordpiece.js";

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

  build(): EncodingFields {
    const n = this.count;
    return {
      ids: this.ids.slice(0, n),
      typeIds: new Int32Array(n),
      offsets: this.offsets.slice(0, 2 * n),
      words: this.words.slice(0, n),
      sequences: new Int32Array(n),
      specialTokensMask: new Int32Array(n),
      attentionMask: new Int32Array(n).fill(1),
    };
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
