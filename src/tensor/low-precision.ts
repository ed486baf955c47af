/**
 * Weights in low precision, made once from float32 weights (at load time or by `bertkit quantize`):
 *
 * - int8: per output channel (a row of W (n, k)), symmetric: scale = max|W[j, :]| / 127 (1 for an all-zero
 *   row), value = clamp(rne(w / scale), −127, 127), computed in float32. Symmetric weights need no zero point,
 *   so the GEMM corrects only for the activations' one (see `LowPrecisionGemmArgs`); −128 is left out so that
 *   ±max both fit.
 * - bf16: each float32 rounded to nearest even in its upper 16 bits.
 */
import type { Bf16Weight, Int8Weight } from "../backend/kernels.js";
import { roundHalfEven, toBf16Bits } from "../backend/reference/low-precision.js";

const f = Math.fround;

/** W (n, k) float32 → per-channel symmetric int8, into new arrays or those of `into` ((n, k) and (n)). */
export function quantizeInt8(w: Float32Array, n: number, k: number, into?: Int8Weight): Int8Weight {
  if (w.length !== n * k) throw new RangeError(`quantizeInt8: ${w.length} values for a ${n}×${k} weight`);
  if (into !== undefined && (into.n !== n || into.k !== k || into.values.length !== n * k || into.scales.length !== n)) {
    throw new RangeError(`quantizeInt8: a ${n}×${k} weight into ${into.values.length} values and ${into.scales.length} scales`);
  }
  const values = into?.values ?? new Int8Array(n * k);
  const scales = into?.scales ?? new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let max = 0;
    for (let t = 0; t < k; t++) max = Math.max(max, Math.abs(w[j * k + t]));
    const scale = max > 0 ? f(max / 127) : 1;
    scales[j] = scale;
    for (let t = 0; t < k; t++) values[j * k + t] = Math.min(127, Math.max(-127, roundHalfEven(f(w[j * k + t] / scale))));
  }
  return { n, k, values, scales };
}

/** W (n, k) float32 → bfloat16 bits, into a new array or that of `into` ((n, k)). */
export function toBf16(w: Float32Array, n: number, k: number, into?: Bf16Weight): Bf16Weight {
  if (w.length !== n * k) throw new RangeError(`toBf16: ${w.length} values for a ${n}×${k} weight`);
  if (into !== undefined && (into.n !== n || into.k !== k || into.bits.length !== n * k)) {
    throw new RangeError(`toBf16: a ${n}×${k} weight into ${into.bits.length} values`);
  }
  const bits = into?.bits ?? new Uint16Array(n * k);
  for (let i = 0; i < bits.length; i++) bits[i] = toBf16Bits(w[i]);
  return { n, k, bits };
}

/** The float32 weight an int8 one stands for (scales[j] · values[j, t]). */
export function dequantizeInt8(w: Int8Weight): Float32Array {
  const out = new Float32Array(w.n * w.k);
  for (let j = 0; j < w.n; j++) for (let t = 0; t < w.k; t++) out[j * w.k + t] = f(w.scales[j] * w.values[j * w.k + t]);
  return out;
}
