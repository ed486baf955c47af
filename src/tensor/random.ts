/**
 * A seeded pseudo-random generator (xoshiro128**; small, fast, good statistics) so that initialisation,
 * dropout and masking are reproducible from one integer seed. `state()` / `restore()` / `Rng.fromState()`
 * save and resume a stream exactly (training checkpoints).
 */
import { InputError } from "../errors.js";

export class Rng {
  // The state words as int32 (the xoshiro steps are all ToInt32 operations, so the bits are the same as with
  // uint32): V8 keeps int32 fields as small integers, whereas uint32 values past 2³¹ are doubles, which these
  // fields stored in fresh heap boxes — 32 bytes of garbage per normal, a 2.3× slower draw, and a young
  // generation grown by ~25 MiB of peak memory while BERT-base draws its 110 M initial weights.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // The cached second normal value, a number beside a flag rather than `number | null`: a field that also holds
  // null keeps each new double in a fresh heap box, where a number-only field is updated in place.
  private spare = 0;
  private hasSpare = false;
  // Normals skipped but not stepped past yet (see skipNormals), counted from `skipped`'s base state, which is this
  // generator's state words and spare until the skip is applied.
  private lazyNormals = 0;
  private skipped: SkipRun | null = null;

  constructor(seed: number) {
    // Expand the seed with splitmix32 so that nearby seeds give unrelated streams.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
  }

  /**
   * The whole state as plain numbers, JSON-safe: the four 32-bit words, then the cached second normal
   * value when there is one. `Rng.fromState(rng.state())` continues the stream exactly where `rng` is.
   */
  state(): number[] {
    this.settle();
    const words = [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
    return this.hasSpare ? [...words, this.spare] : words;
  }

  /** Puts this generator back to a state from `state()` (in place: every holder of it continues from there). */
  restore(state: readonly number[]): this {
    checkState(state);
    this.lazyNormals = 0;
    this.skipped = null;
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    this.hasSpare = state.length === 5;
    this.spare = this.hasSpare ? state[4] : 0;
    return this;
  }

  /** A generator that continues from a state saved by `state()`. */
  static fromState(state: readonly number[]): Rng {
    return new Rng(0).restore(state);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.lazyNormals !== 0) this.settle();
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.lazyNormals !== 0) this.settle();
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Moves past `count` normals exactly as `count` calls of `normal()` would, lazily: the stream is stepped only
   * when something reads it next (a draw, `state()`), and a `mark()` taken meanwhile is stepped to only when
   * `Rng.fromMark` needs it. A model loaded from a checkpoint skips every weight it then overwrites (110 M normals
   * for BERT-base, about a quarter of a one-sentence `bertkit embed`); inference never reads the stream again,
   * so it never pays for them.
   */
  skipNormals(count: number): void {
    if (count <= 0) return;
    this.skipped ??= new SkipRun(this.state());
    this.lazyNormals += count;
  }

  /** Where the stream is now, skipped normals included, for `Rng.fromMark`: cheap, it steps nothing. */
  mark(): RngMark {
    return this.skipped === null ? { state: this.state(), run: null, normals: 0 } : { state: [], run: this.skipped, normals: this.lazyNormals };
  }

  /** A generator that continues from a mark: the same stream as `mark()`'s generator had there. */
  static fromMark(mark: RngMark): Rng {
    return mark.run === null ? Rng.fromState(mark.state) : Rng.fromState(mark.run.stateAt(mark.normals));
  }

  /** Applies the lazy skip. */
  private settle(): void {
    if (this.skipped === null) return;
    const state = this.skipped.stateAt(this.lazyNormals);
    this.restore(state);
  }

  /**
   * Advances past `count` normals exactly as `count` calls of `normal()` would, without computing them: two
   * uniforms (the first redrawn while 0) per pair, the second normal kept as the spare. About ten times cheaper
   * than drawing; test/bert/low-precision.test.ts pins it.
   */
  stepNormals(count: number): void {
    this.settle();
    let left = count;
    if (left > 0 && this.hasSpare) {
      this.hasSpare = false;
      left--;
    }
    // nextUint32's state steps on int32 locals (loading BERT-base skips 110 M normals). Its output is 0 exactly
    // when s1 is 0 before the step (×5, rotate, ×9 are bijections), which is when normal() redraws u.
    let s0 = this.s0, s1 = this.s1, s2 = this.s2, s3 = this.s3;
    for (; left >= 2; left -= 2) {
      for (let draws = 0; draws < 2; draws++) {
        let redraw: boolean;
        do {
          redraw = draws === 0 && s1 === 0;
          const t = s1 << 9;
          s2 ^= s0;
          s3 ^= s1;
          s1 ^= s2;
          s0 ^= s3;
          s2 ^= t;
          s3 = (s3 << 11) | (s3 >>> 21);
        } while (redraw);
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    if (left === 1) this.normal();
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** A position in a stream, possibly past normals skipped lazily: see `Rng.mark`. */
export interface RngMark {
  readonly state: readonly number[];
  readonly run: SkipRun | null;
  readonly normals: number;
}

/**
 * One run of lazy skips from a base state. Marks within it are resolved by a cursor that steps forward from the
 * last one resolved, so resolving them in stream order (as loaders make deferred draws: construction order) costs
 * one pass up to the last, not one pass per mark.
 */
class SkipRun {
  private cursor: Rng;
  private cursorNormals = 0;

  constructor(private readonly base: readonly number[]) {
    this.cursor = Rng.fromState(base);
  }

  /** The stream's state `normals` normals past the base. */
  stateAt(normals: number): number[] {
    if (normals < this.cursorNormals) {
      this.cursor = Rng.fromState(this.base);
      this.cursorNormals = 0;
    }
    this.cursor.stepNormals(normals - this.cursorNormals);
    this.cursorNormals = normals;
    return this.cursor.state();
  }
}

function checkState(state: readonly number[]): void {
  const words = state.slice(0, 4);
  const ok = (state.length === 4 || (state.length === 5 && Number.isFinite(state[4])))
    && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) && words.some((w) => w !== 0);
  if (!ok) throw new InputError(`Rng state must be four 32-bit unsigned integers, not all zero, and an optional finite number; got ${JSON.stringify(state)}`);
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** `rng.skipNormals(count)`, as a function. */
export function skipNormals(rng: Rng, count: number): void {
  rng.skipNormals(count);
}
