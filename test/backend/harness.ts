/**
 * Conformance harness: runs a kernel on the reference and the native backend with the same inputs and
 * fresh copies of the same outputs, then compares every output. Prints the largest difference per check.
 */
import { describe, expect } from "vitest";
import type { Kernels } from "../../src/backend/kernels.js";
import { loadNative } from "../../src/backend/native/index.js";
import { referenceKernels } from "../../src/backend/reference/index.js";
import { Rng } from "../../src/tensor/random.js";

const load = loadNative();
export const native: Kernels | null = load.ok ? load.kernels : null;
if (!load.ok) console.warn(`native conformance skipped: the addon is not built (${load.reason}); run npm run build:native`);

/** A `describe` block that is skipped when the addon is not built. */
export function describeNative(name: string, body: () => void): void {
  describe.skipIf(native === null)(name, body);
}

export class Data {
  private readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  /** Normal values times `scale`. */
  normal(n: number, scale = 1): Float32Array {
    return Float32Array.from({ length: n }, () => this.rng.normal() * scale);
  }
  uniform(n: number, lo: number, hi: number): Float32Array {
    return Float32Array.from({ length: n }, () => lo + (hi - lo) * this.rng.uniform());
  }
  ints(n: number, max: number): Int32Array {
    return Int32Array.from({ length: n }, () => this.rng.int(max));
  }
}

/**
 * Largest |native − reference| relative to |reference| + the array's RMS (so that entries near zero are
 * judged against the array's scale, not against their own tiny value). NaN matching NaN counts as equal.
 */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let sq = 0;
  for (const v of expected) if (Number.isFinite(v)) sq += v * v;
  const rms = Math.sqrt(sq / Math.max(1, expected.length));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e) continue;
    const err = Math.abs(a - e) / (Math.abs(e) + rms || 1);
    worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
  }
  return worst;
}

/**
 * Runs `run` on both backends. `outputs` makes the output arrays (called once per backend, so each gets
 * identical initial contents, which matters for accumulating kernels). Returns are compared too.
 */
export function check(
  label: string,
  run: (k: Kernels, outs: Float32Array[]) => number | void,
  outputs: () => Float32Array[],
  tolerance = 1e-5,
): void {
  if (native === null) throw new Error("native backend not built");
  const expectedOuts = outputs();
  const actualOuts = outputs();
  const expected = run(referenceKernels, expectedOuts);
  const actual = run(native, actualOuts);
  if (typeof expected === "number") {
    expect(typeof actual, `${label}: return value`).toBe("number");
    const err = Math.abs((actual as number) - expected) / Math.max(Math.abs(expected), 1e-30);
    expect(err, `${label}: returned ${String(actual)}, reference ${expected}`).toBeLessThanOrEqual(tolerance);
  }
  let worst = 0;
  expectedOuts.forEach((e, i) => {
    const err = relativeError(actualOuts[i], e);
    worst = Math.max(worst, err);
    expect(err, `${label}: output ${i} differs from the reference by ${err.toExponential(2)} (relative)`).toBeLessThanOrEqual(tolerance);
  });
  console.log(`native vs reference ${label}: max relative Δ = ${worst.toExponential(2)}`);
}

/** Fresh zeroed arrays of the given lengths. */
export function zeros(...lengths: number[]): () => Float32Array[] {
  return () => lengths.map((n) => new Float32Array(n));
}

/** Fresh copies of the given arrays (for outputs that accumulate into existing values). */
export function copies(...arrays: Float32Array[]): () => Float32Array[] {
  return () => arrays.map((a) => a.slice());
}

/** Row-major strides of a shape, with 0 where `shape` has 1 but `outShape` does not (broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let s = 1;
  for (let d = outShape.length - 1, i = shape.length - 1; d >= 0; d--, i--) {
    const n = i >= 0 ? shape[i] : 1;
    strides[d] = n === 1 ? 0 : s;
    s *= n;
  }
  return strides;
}

export const SIZES = [1, 3, 17, 63, 129];
