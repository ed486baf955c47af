/**
 * The native bf16 Linear kernel (packBf16 / gemmBf16) against the reference: the rounding of A to bf16 exactly
 * (k = 1 with weight 1.0: ties to even, overflow to infinity, NaN, denormals flushed), sums within a tolerance
 * that grows with k (float32 sums in another order), on every kernel the addon has (vdpbf16ps, widening FMAs
 * and portable C++, the last two in child processes: BERTKIT_BF16 is read once); the errors. Skipped without
 * the addon.
 */
import { expect, it } from "vitest";
import type { Bf16Weight, Kernels, UnaryOp } from "../../src/backend/kernels.js";
import { UNARY_CODES } from "../../src/backend/native/codes.js";
import { referenceKernels as ref } from "../../src/backend/reference/index.js";
import { bf16ToFloat, flushBf16Denormal, toBf16Bits } from "../../src/backend/reference/low-precision.js";
import { InputError } from "../../src/errors.js";
import { toBf16 } from "../../src/tensor/low-precision.js";
import { Data, describeNative, native } from "./harness.js";
import { runInChild, type ChildCase } from "./low-precision-paths.js";

interface Case extends ChildCase {
  weight: Bf16Weight;
  label: string;
}

function nativeKernels(): Kernels {
  if (native === null) throw new Error("the addon is not built");
  return native;
}

function referenceOutput(c: Case, activation: UnaryOp): Float32Array {
  const out = new Float32Array(c.m * c.n);
  ref.gemmBf16({ m: c.m, a: c.a, packed: ref.packBf16(c.weight), c: out, bias: c.bias, activation });
  return out;
}

function nativeOutput(c: Case, activation: UnaryOp): Float32Array {
  const kern = nativeKernels();
  const out = new Float32Array(c.m * c.n).fill(Number.NaN); // every element must be written
  kern.gemmBf16({ m: c.m, a: c.a, packed: kern.packBf16(c.weight), c: out, bias: c.bias, activation });
  return out;
}

/**
 * Checks |native − reference| ≤ 2k · 2⁻²⁴ · Σ_t |a_t · w_t| (+ the bias' half ulp) per element: two float32 sums
 * of the same k exact products in different orders differ by at most about that much.
 */
function expectWithinSumError(c: Case, actual: Float32Array, expected: Float32Array, label: string): void {
  const w = Float32Array.from(c.weight.bits, (b) => bf16ToFloat(flushBf16Denormal(b)));
  const a = Float32Array.from(c.a, (x) => bf16ToFloat(flushBf16Denormal(toBf16Bits(x))));
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let magnitude = 0;
      for (let t = 0; t < c.k; t++) magnitude += Math.abs(a[i * c.k + t] * w[j * c.k + t]);
      const bound = 2 * c.k * 2 ** -24 * magnitude + Math.abs(expected[i * c.n + j]) * 2 ** -23;
      const diff = Math.abs(actual[i * c.n + j] - expected[i * c.n + j]);
      if (!(diff <= bound)) expect.fail(`${label}: C[${i}, ${j}] = ${actual[i * c.n + j]}, reference ${expected[i * c.n + j]}, bound ${bound}`);
    }
  }
}

function makeCase(d: Data, m: number, n: number, k: number, withBias: boolean): Case {
  const weight = toBf16(d.normal(n * k, 0.05), n, k);
  return {
    label: `m=${m} n=${n} k=${k} bias=${withBias}`,
    m, n, k, a: d.normal(m * k, 2), w: weight.bits, scales: null, weight, bias: withBias ? d.normal(n) : null,
    activation: UNARY_CODES.identity,
  };
}

function cases(): Case[] {
  const d = new Data(91);
  const list: Case[] = [];
  // Last row panels of 1, 3, 6, 1, 8 and 1 rows: the 4- and 8-row micro-kernels (full panels: the 12-row one).
  for (const m of [1, 3, 6, 13, 20, 37]) {
    for (const n of [1, 17, 33, 100]) {
      for (const k of [1, 3, 5, 64, 257, 768]) list.push(makeCase(d, m, n, k, (m + n + k) % 2 === 0));
    }
  }
  // Several K blocks (512 values of k each), row tasks over column chunks, column tasks.
  list.push(makeCase(d, 192, 100, 1100, true), makeCase(d, 20, 100, 1100, true), makeCase(d, 192, 600, 300, false), makeCase(d, 40, 1000, 300, false));
  return list;
}

/** float32 values whose bf16 rounding is a corner case, and the bits toBf16Bits gives them. */
const SPECIAL_BITS = [
  0x3f808000, 0x3f818000, 0x3f807fff, 0x3f808001, 0xbf808000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000,
  0x7fc00000, 0x7f800001, 0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x007f8000, 0x007fffff, 0x00800000,
  0x40490fdb, 0xc2f6e979, 0x00400000, 0x80400000,
];

describeNative("native gemmBf16 matches the reference", () => {
  it("rounds A to bf16 exactly (k = 1, weight 1.0): ties to even, overflow, NaN, denormals", () => {
    const a = new Float32Array(new Uint32Array(SPECIAL_BITS).buffer);
    const c: Case = {
      label: "rounding", m: a.length, n: 1, k: 1, a, w: new Uint16Array([0x3f80]), scales: null,
      weight: { n: 1, k: 1, bits: new Uint16Array([0x3f80]) }, bias: null, activation: UNARY_CODES.identity,
    };
    const expected = Float32Array.from(a, (x) => bf16ToFloat(flushBf16Denormal(toBf16Bits(x))));
    // The reference's own rounding rule, checked on known values (not copied from either implementation).
    expect(expected[0]).toBe(1); // 1 + 2⁻⁸ is a tie: to even, 1
    expect(expected[1]).toBe(bf16ToFloat(0x3f82)); // 1 + 3·2⁻⁸ is a tie: to even, up
    expect(expected[5]).toBe(Number.POSITIVE_INFINITY); // the largest float32 rounds past the largest bf16
    expect(Object.is(expected[13], 0)).toBe(true); // the smallest float32 denormal rounds to +0
    expect(expected[14]).toBe(-(2 ** -126)); // a float32 denormal rounding up to the smallest normal bf16
    expect(expected[15]).toBe(2 ** -126);
    expect(Object.is(expected[20], 0) && Object.is(expected[21], -0)).toBe(true); // bf16 denormals: signed zeros
    // C = 0 + a · 1: a sum that starts at +0 turns −0 into +0.
    const sums = Array.from(expected, (x) => 0 + x);
    expect(Array.from(referenceOutput(c, "identity"))).toEqual(sums);
    const children = ["avx512", "portable"].map((v) => runInChild("bf16", { BERTKIT_BF16: v }, [c]).outputs[0]);
    for (const out of [nativeOutput(c, "identity"), ...children]) expect(Array.from(out)).toEqual(sums);
  });

  it("sums within the float32 reordering bound, every kernel", () => {
    const list = cases();
    list.forEach((c) => expectWithinSumError(c, nativeOutput(c, "identity"), referenceOutput(c, "identity"), c.label));
    for (const [value, path] of [["avx512", 1], ["portable", 2]] as const) {
      const child = runInChild("bf16", { BERTKIT_BF16: value }, list.filter((_, i) => i % 3 === 0));
      expect(child.path, `BERTKIT_BF16=${value}`).toBe(path);
      list.filter((_, i) => i % 3 === 0).forEach((c, i) => {
        expectWithinSumError(c, child.outputs[i], referenceOutput(c, "identity"), `${value} ${c.label}`);
      });
    }
  });

  it("applies the activation after the bias", () => {
    const c = makeCase(new Data(92), 13, 33, 64, true);
    const pre = nativeOutput(c, "identity");
    const gelu = nativeOutput(c, "gelu");
    const expected = new Float32Array(pre.length);
    ref.unary("gelu", pre, expected);
    for (let i = 0; i < pre.length; i++) expect(Math.abs(gelu[i] - expected[i])).toBeLessThan(1e-6 * (1 + Math.abs(pre[i])));
  });

  it("rejects short arrays with a RangeError naming the kernel, and weights packed elsewhere", () => {
    const kern = nativeKernels();
    const c = makeCase(new Data(93), 4, 6, 8, true);
    const packed = kern.packBf16(c.weight);
    expect(packed.backend).toBe("native");
    const run = (over: Partial<Parameters<Kernels["gemmBf16"]>[0]>) => () =>
      kern.gemmBf16({ m: 4, a: c.a, packed, c: new Float32Array(24), bias: c.bias, activation: "identity", ...over });
    expect(run({ a: new Float32Array(31) })).toThrow(/gemmBf16.*argument 3 has 31 elements, needs at least 32/);
    expect(run({ c: new Float32Array(23) })).toThrow(RangeError);
    expect(run({ packed: { ...packed, data: packed.data.subarray(0, 10) } })).toThrow(/gemmBf16/);
    expect(run({ packed: ref.packBf16(c.weight) })).toThrow(InputError);
    expect(() => kern.packBf16({ ...c.weight, bits: new Uint16Array(47) })).toThrow(/packBf16/);
  });
});
