/**
 * The order in which the trainer visits the training rows: epoch after epoch, each a seeded permutation
 * (or 0…N−1 in order without shuffling); a batch that runs past the end of an epoch continues with the next
 * one. The position (epoch, index within its order) is all a checkpoint needs: epoch e's permutation is drawn
 * from its own stream, so it is rebuilt on resume without replaying earlier epochs.
 *
 * With row lengths, an epoch's permutation is grouped by length as Hugging Face's `group_by_length` does it:
 * the shuffled rows are cut into mega-batches of 50 batches, each sorted longest first, so that a batch holds
 * rows of similar length (less padding) while the batches still come in a random order of lengths.
 *
 * Work per epoch is one Fisher–Yates pass (O(N), plus O(N log M) to sort mega-batches); per batch, O(batch size).
 */
import { InputError } from "../errors.js";
import { Rng } from "../tensor/random.js";
import { STREAM, streamSeed } from "./streams.js";

export interface DataPosition {
  /** 0-based epoch. */
  epoch: number;
  /** How many rows of this epoch's order were already used. */
  index: number;
}

/** Rows per mega-batch, in batches (Hugging Face's `mega_batch_mult` default). */
export const MEGA_BATCH_BATCHES = 50;

/** Length grouping: each row's length and the batch size the mega-batches are counted in. */
export interface LengthGrouping {
  lengths: ArrayLike<number>;
  batchSize: number;
}

export class DataOrder {
  private epoch: number;
  private index: number;
  private order: Int32Array | null = null;

  constructor(
    readonly size: number, readonly shuffle: boolean, readonly seed: number, start: DataPosition = { epoch: 0, index: 0 },
    private readonly grouping: LengthGrouping | null = null,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new InputError(`the training data must have at least one row, got ${size}`);
    if (grouping !== null && grouping.lengths.length !== size) {
      throw new InputError(`length grouping needs one length per row: got ${grouping.lengths.length} lengths for ${size} rows`);
    }
    if (!Number.isInteger(start.epoch) || start.epoch < 0 || !Number.isInteger(start.index) || start.index < 0 || start.index > size) {
      throw new InputError(`data position epoch ${start.epoch}, row ${start.index} is not within ${size} rows`);
    }
    this.epoch = start.epoch;
    this.index = start.index;
  }

  get position(): DataPosition {
    return { epoch: this.epoch, index: this.index };
  }

  /** Epochs done, as a fraction (2.5 = halfway through the third epoch). */
  get epochs(): number {
    return this.epoch + this.index / this.size;
  }

  /** The next `count` rows (count ≤ size), moving on to the next epoch when this one runs out. */
  next(count: number): number[] {
    const rows = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      if (this.index === this.size) {
        this.epoch++;
        this.index = 0;
        this.order = null;
      }
      rows[i] = this.shuffle ? this.permutation()[this.index] : this.index;
      this.index++;
    }
    return rows;
  }

  private permutation(): Int32Array {
    if (this.order === null) {
      const shuffled = permutation(this.size, new Rng(streamSeed(this.seed, STREAM.shuffle, this.epoch)));
      this.order = this.grouping === null ? shuffled : groupByLength(shuffled, this.grouping);
    }
    return this.order;
  }
}

/** 0…n−1 shuffled by Fisher–Yates. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** `order` cut into mega-batches of MEGA_BATCH_BATCHES batches, each sorted by length, longest first (stable). */
export function groupByLength(order: Int32Array, grouping: LengthGrouping): Int32Array {
  const mega = Math.max(1, grouping.batchSize * MEGA_BATCH_BATCHES);
  const out = new Int32Array(order.length);
  for (let start = 0; start < order.length; start += mega) {
    const part = Array.from(order.subarray(start, Math.min(start + mega, order.length)));
    part.sort((a, b) => grouping.lengths[b] - grouping.lengths[a]);
    out.set(part, start);
  }
  return out;
}
