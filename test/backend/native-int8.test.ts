/**
 * The native int8 Linear kernel (packInt8 / gemmInt8) against the reference: bit for bit before the activation
 * (odd shapes, bias or none, rows of zeros, of one sign, with exact rounding ties, NaN and infinity; several
 * K blocks and both thread splits), on every kernel the addon has (vpdpbusd, vpmaddwd and portable C++, the
 * last two in child processes: BERTKIT_INT8 is read once), close with GELU; the errors. Skipped without the addon.
 */
import { expect, it } from "vitest";
import type { Int8Weight, Kernels, UnaryOp } from "../../src/backend/kernels.js";
import { UNARY_CODES } from "../../src/backend/native/codes.js";
import { referenceKernels as ref } from "../../src/backend/reference/index.js";
import { InputError } from "../../src/errors.js";
import { quantizeInt8 } from "../../src/tensor/low-precision.js";
import { Data, describeNative, native, relativeError } from "./harness.js";
import { runInChild, type ChildCase } from "./low-precision-paths.js";

interface Case extends ChildCase {
  weight: Int8Weight;
  label: string;
}

function nativeKernels(): Kernels {
  if (native === null) throw new Error("the addon is not built");
  return native;
}

const referenceIdentity = new WeakMap<Case, Float32Array>();

function referenceOutput(c: Case, activation: UnaryOp): Float32Array {
  const known = activation === "identity" ? referenceIdentity.get(c) : undefined;
  if (known !== undefined) return known;
  const out = new Float32Array(c.m * c.n);
  if (activation === "identity") referenceIdentity.set(c, out);
  ref.gemmInt8({ m: c.m, a: c.a, packed: ref.packInt8(c.weight), c: out, bias: c.bias, activation });
  return out;
}

function nativeOutput(c: Case, activation: UnaryOp): Float32Array {
  const kern = nativeKernels();
  const out = new Float32Array(c.m * c.n).fill(Number.NaN); // every element must be written
  kern.gemmInt8({ m: c.m, a: c.a, packed: kern.packInt8(c.weight), c: out, bias: c.bias, activation });
  return out;
}

/** The first index where the two differ as float32 bit patterns (NaN payloads aside), or −1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return i;
  return -1;
}

function expectSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  const i = firstDifference(actual, expected);
  expect(i, `${label}: element ${i} is ${actual[i]}, the reference's ${expected[i]}`).toBe(-1);
}

/** A with special rows: zeros, all positive, all negative, exact ties of the rounding, a NaN, an infinity. */
function activations(d: Data, m: number, k: number): Float32Array {
  const a = d.normal(m * k, 2);
  const special = [
    (t: number) => 0 * t,
    (t: number) => (t === 0 ? 255 : ((t * 37) % 255) + 0.5), // scale 1, every value a tie
    (t: number) => (t === 0 ? -255 : -(((t * 11) % 255) + 0.5)), // zero point 255, ties
    (t: number) => 0.25 + ((t * 7) % 13),
    (t: number) => -3 - ((t * 5) % 7),
    (t: number) => (t === k >> 1 ? Number.NaN : t - k / 2),
    (t: number) => (t === 0 ? Number.POSITIVE_INFINITY : 1),
  ];
  for (let i = 0; i < Math.min(m, special.length); i++) {
    const row = (i * 5) % m; // spread over the row panels
    for (let t = 0; t < k; t++) a[row * k + t] = special[i](t);
  }
  return a;
}

function makeCase(d: Data, m: number, n: number, k: number, withBias: boolean, activation: UnaryOp = "identity"): Case {
  const weight = quantizeInt8(d.normal(n * k, 0.05), n, k);
  return {
    label: `m=${m} n=${n} k=${k} bias=${withBias}`,
    m, n, k, a: activations(d, m, k), w: weight.values, scales: weight.scales, weight,
    bias: withBias ? d.normal(n) : null, activation: UNARY_CODES[activation],
  };
}

let odd: Case[] | null = null;

function oddCases(): Case[] {
  if (odd !== null) return odd;
  const d = new Data(81);
  const cases: Case[] = [];
  // Last row panels of 1, 3, 6, 1, 8 and 1 rows: the 4- and 8-row micro-kernels (full panels: the 12-row one).
  for (const m of [1, 3, 6, 13, 20, 37]) {
    for (const n of [1, 17, 33, 100]) {
      for (const k of [1, 3, 5, 64, 257, 768]) cases.push(makeCase(d, m, n, k, (m + n + k) % 2 === 0));
    }
  }
  odd = cases;
  return cases;
}

// Several K blocks (1024 values of k each), row tasks over column chunks, column tasks, and one K block.
let blocked: Case[] | null = null;

function blockedCases(): Case[] {
  const d = new Data(82);
  blocked ??= [
    makeCase(d, 192, 100, 1100, true), makeCase(d, 20, 100, 1100, true), makeCase(d, 192, 600, 300, false), makeCase(d, 40, 1000, 300, false),
    makeCase(d, 130, 70, 3072, true),
  ];
  return blocked;
}

describeNative("native gemmInt8 matches the reference", () => {
  it("bit for bit with identity: odd shapes, bias or none, special rows", () => {
    for (const c of oddCases()) expectSameBits(nativeOutput(c, "identity"), referenceOutput(c, "identity"), c.label);
  });

  it("bit for bit over several K blocks and both thread splits", () => {
    for (const c of blockedCases()) expectSameBits(nativeOutput(c, "identity"), referenceOutput(c, "identity"), c.label);
  });

  it("close to the reference with GELU and the other activations", () => {
    const d = new Data(83);
    for (const activation of ["gelu", "gelu_tanh", "relu", "tanh"] as const) {
      const c = makeCase(d, 37, 100, 257, true, activation);
      expect(relativeError(nativeOutput(c, activation), referenceOutput(c, activation)), `${activation} ${c.label}`).toBeLessThan(2e-6);
    }
  });

  it("every kernel gives the same bits: vpmaddwd (BERTKIT_INT8=avx512) and portable C++", () => {
    const cases = [...oddCases().filter((_, i) => i % 3 === 0), ...blockedCases()];
    for (const [value, path] of [["avx512", 1], ["portable", 2]] as const) {
      const child = runInChild("int8", { BERTKIT_INT8: value }, cases);
      expect(child.path, `BERTKIT_INT8=${value}`).toBe(path);
      cases.forEach((c, i) => expectSameBits(child.outputs[i], referenceOutput(c, "identity"), `${value} ${c.label}`));
    }
  });

  it("packs the zero-point sums and keeps the scales", () => {
    const weight = quantizeInt8(new Data(84).normal(5 * 7), 5, 7);
    const packed = nativeKernels().packInt8(weight);
    expect(packed.backend).toBe("native");
    expect(Array.from(packed.sums)).toEqual(Array.from(ref.packInt8(weight).sums));
    expect(packed.scales).toEqual(weight.scales);
  });

  it("rejects short arrays with a RangeError naming the kernel, and weights packed elsewhere", () => {
    const kern = nativeKernels();
    const c = makeCase(new Data(85), 4, 6, 8, true);
    const packed = kern.packInt8(c.weight);
    const run = (over: Partial<Parameters<Kernels["gemmInt8"]>[0]>) => () =>
      kern.gemmInt8({ m: 4, a: c.a, packed, c: new Float32Array(24), bias: c.bias, activation: "identity", ...over });
    expect(run({ a: new Float32Array(31) })).toThrow(/gemmInt8.*argument 3 has 31 elements, needs at least 32/);
    expect(run({ c: new Float32Array(23) })).toThrow(RangeError);
    expect(run({ bias: new Float32Array(5) })).toThrow(/gemmInt8/);
    expect(run({ packed: { ...packed, data: packed.data.subarray(0, 10) } })).toThrow(/gemmInt8/);
    expect(run({ packed: { ...packed, sums: new Int32Array(5) } })).toThrow(RangeError);
    expect(run({ packed: ref.packInt8(c.weight) })).toThrow(InputError);
    expect(run({ packed: ref.packInt8(c.weight) })).toThrow(/weights packed for the reference backend, not native/);
    expect(() => kern.packInt8({ ...c.weight, values: new Int8Array(47) })).toThrow(/packInt8/);
  });
});
