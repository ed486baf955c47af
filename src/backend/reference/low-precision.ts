/**
 * Reference int8 and bf16 Linear kernels (see `LowPrecisionGemmArgs` in ../kernels.ts for the contract), and
 * the rounding rules they share with the weight quantizer (src/tensor/low-precision.ts). Every step that the
 * native kernels do in float32 is rounded to float32 here too (`Math.fround`), so the int8 results are equal
 * bit for bit before the activation.
 */
import { InputError } from "../../errors.js";
import type { Bf16Weight, Int8Weight, LowPrecisionGemmArgs, PackedBf16, PackedInt8 } from "../kernels.js";
import { unary } from "./activations.js";

const f = Math.fround;

/** Round half to even (IEEE's default rounding, as `nearbyint` and DynamicQuantizeLinear do). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // half up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const bits32 = new Uint32Array(1);
const float32 = new Float32Array(bits32.buffer);

/** float32 → bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
export function toBf16Bits(x: number): number {
  float32[0] = x;
  const u = bits32[0];
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/**
 * A bfloat16 denormal (exponent bits 0) → the zero of its sign: what the bf16 GEMMs do to the values of A (after
 * rounding) and W, as AVX512_BF16's vdpbf16ps treats denormal inputs (see `LowPrecisionGemmArgs`).
 */
export function flushBf16Denormal(b: number): number {
  return (b & 0x7f80) === 0 ? b & 0x8000 : b;
}

/** bfloat16 bits → the float32 value they stand for. */
export function bf16ToFloat(b: number): number {
  bits32[0] = (b & 0xffff) << 16;
  return float32[0];
}

/** Quantization of one row of activations: uint8 values in q, and the scale and zero point. */
export function quantizeRowU8(x: Float32Array, from: number, k: number, q: Uint8Array): { scale: number; zero: number } {
  let lo = 0;
  let hi = 0;
  for (let t = 0; t < k; t++) {
    const v = x[from + t];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  let scale = f(f(hi - lo) / 255);
  if (scale === 0 || !Number.isFinite(scale)) scale = 1;
  const zero = Math.min(255, Math.max(0, roundHalfEven(f(-lo / scale))));
  for (let t = 0; t < k; t++) q[t] = Math.min(255, Math.max(0, roundHalfEven(f(x[from + t] / scale)) + zero));
  return { scale, zero };
}

function checkArgs(name: string, p: LowPrecisionGemmArgs<{ k: number; n: number; backend: string }>, backend: string): void {
  const { m, packed } = p;
  if (packed.backend !== backend) throw new InputError(`${name}: weights packed for the ${packed.backend} backend, not ${backend}`);
  if (p.a.length < m * packed.k || p.c.length < m * packed.n || (p.bias !== null && p.bias.length !== packed.n)) {
    throw new InputError(`${name}: A needs ${m}×${packed.k}, C ${m}×${packed.n} and bias ${packed.n} floats`);
  }
}

export function packInt8(w: Int8Weight): PackedInt8 {
  const sums = new Int32Array(w.n);
  for (let j = 0; j < w.n; j++) {
    let s = 0;
    for (let t = 0; t < w.k; t++) s += w.values[j * w.k + t];
    sums[j] = s;
  }
  const data = new Uint8Array(w.values.buffer.slice(w.values.byteOffset, w.values.byteOffset + w.n * w.k));
  return { backend: "reference", k: w.k, n: w.n, data, scales: w.scales, sums };
}

export function gemmInt8(p: LowPrecisionGemmArgs<PackedInt8>): void {
  checkArgs("gemmInt8", p, "reference");
  const { m, a, c, bias, packed } = p;
  const { k, n, scales, sums } = packed;
  const w = new Int8Array(packed.data.buffer, packed.data.byteOffset, n * k);
  const q = new Uint8Array(k);
  for (let i = 0; i < m; i++) {
    const { scale, zero } = quantizeRowU8(a, i * k, k, q);
    for (let j = 0; j < n; j++) {
      let acc = 0; // exact: |acc| ≤ 255 · 127 · k
      for (let t = 0; t < k; t++) acc += q[t] * w[j * k + t];
      let y = f(f(acc - zero * sums[j]) * f(scale * scales[j]));
      if (bias !== null) y = f(y + bias[j]);
      c[i * n + j] = y;
    }
  }
  const view = c.subarray(0, m * n);
  unary(p.activation, view, view);
}

export function packBf16(w: Bf16Weight): PackedBf16 {
  return { backend: "reference", k: w.k, n: w.n, data: w.bits.slice(0, w.n * w.k) };
}

export function gemmBf16(p: LowPrecisionGemmArgs<PackedBf16>): void {
  checkArgs("gemmBf16", p, "reference");
  const { m, a, c, bias, packed } = p;
  const { k, n, data } = packed;
  const w = Float32Array.from(data, (b) => bf16ToFloat(flushBf16Denormal(b)));
  const row = new Float32Array(k);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) row[t] = bf16ToFloat(flushBf16Denormal(toBf16Bits(a[i * k + t])));
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc = f(acc + row[t] * w[j * k + t]); // the product is exact in float32
      c[i * n + j] = bias !== null ? f(acc + bias[j]) : acc;
    }
  }
  const view = c.subarray(0, m * n);
  unary(p.activation, view, view);
}
