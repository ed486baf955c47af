/**
 * Element conversions from the little-endian encodings a safetensors file may hold to the two
 * dtypes bertkit computes in: float32 and int32.
 *
 * Every function takes the raw bytes of one tensor. Those named `...InPlace` take ownership of a
 * freshly allocated buffer (byteOffset 0) and return a view of it, so the common F32 / I32 case
 * costs no copy beyond the read itself; the others allocate their result.
 */

/** Called with the element index and value (as text) of the first element that does not fit. */
export type OnOutOfRange = (index: number, value: string) => never;

export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the bytes of each `width`-byte element in place (little-endian ↔ big-endian). */
export function swapByteOrder(bytes: Uint8Array, width: number): void {
  for (let start = 0; start + width <= bytes.length; start += width) {
    for (let lo = start, hi = start + width - 1; lo < hi; lo++, hi--) {
      const byte = bytes[lo];
      bytes[lo] = bytes[hi];
      bytes[hi] = byte;
    }
  }
}

/**
 * Little-endian elements → host order, in place. A no-op on little-endian hosts (every platform
 * Node ships prebuilt binaries for); big-endian hosts such as s390x swap.
 */
export function littleEndianToHostInPlace(bytes: Uint8Array, width: number): void {
  if (!HOST_IS_LITTLE_ENDIAN) swapByteOrder(bytes, width);
}

export function float32InPlace(owned: Uint8Array): Float32Array {
  littleEndianToHostInPlace(owned, 4);
  return new Float32Array(owned.buffer, 0, owned.length / 4);
}

export function int32InPlace(owned: Uint8Array): Int32Array {
  littleEndianToHostInPlace(owned, 4);
  return new Int32Array(owned.buffer, 0, owned.length / 4);
}

/** IEEE binary16 bit pattern → binary32 bit pattern. Exact: every half value is a float32. */
export function float16BitsToFloat32Bits(half: number): number {
  const sign = (half & 0x8000) << 16;
  const exponent = (half >> 10) & 0x1f;
  let mantissa = half & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // ±Inf, NaN (payload kept)
  if (exponent !== 0) return (sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0; // ±0
  // Subnormal half (mantissa × 2^-24) is a normal float32: shift until the implicit bit appears.
  let biased = 127 - 14;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    biased--;
  }
  return (sign | (biased << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

export function float16ToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length >> 1);
  const bits = new Uint32Array(out.buffer); // host-order integers reinterpret as host-order floats
  for (let i = 0; i < out.length; i++) {
    bits[i] = float16BitsToFloat32Bits(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  }
  return out;
}

/** bfloat16 is the upper half of a float32, so widening is a shift (exact, NaN payload kept). */
export function bfloat16ToFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length >> 1);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) {
    bits[i] = (bytes[2 * i] | (bytes[2 * i + 1] << 8)) << 16;
  }
  return out;
}

/** Rounds to nearest float32; a finite value beyond ±3.4e38 is an error rather than a silent ±Inf. */
export function float64ToFloat32(bytes: Uint8Array, onOutOfRange: OnOutOfRange): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length >> 3);
  for (let i = 0; i < out.length; i++) {
    const value = view.getFloat64(8 * i, true);
    out[i] = value;
    if (!Number.isFinite(out[i]) && Number.isFinite(value)) onOutOfRange(i, String(value));
  }
  return out;
}

export function int64ToInt32(bytes: Uint8Array, onOutOfRange: OnOutOfRange): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length >> 3);
  for (let i = 0; i < out.length; i++) {
    const low = view.getInt32(8 * i, true);
    const high = view.getInt32(8 * i + 4, true);
    // The value fits in int32 exactly when the high word is the sign extension of the low word.
    if (high !== low >> 31) onOutOfRange(i, view.getBigInt64(8 * i, true).toString());
    out[i] = low;
  }
  return out;
}

export function uint64ToInt32(bytes: Uint8Array, onOutOfRange: OnOutOfRange): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length >> 3);
  for (let i = 0; i < out.length; i++) {
    const low = view.getInt32(8 * i, true);
    if (low < 0 || view.getUint32(8 * i + 4, true) !== 0) {
      onOutOfRange(i, view.getBigUint64(8 * i, true).toString());
    }
    out[i] = low;
  }
  return out;
}

export function uint32ToInt32(bytes: Uint8Array, onOutOfRange: OnOutOfRange): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length >> 2);
  for (let i = 0; i < out.length; i++) {
    const value = view.getUint32(4 * i, true);
    if (value > 0x7fffffff) onOutOfRange(i, String(value));
    out[i] = value;
  }
  return out;
}

export function int16ToInt32(bytes: Uint8Array): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

export function uint16ToInt32(bytes: Uint8Array): Int32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getUint16(2 * i, true);
  return out;
}

export function int8ToInt32(bytes: Uint8Array): Int32Array {
  return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

export function uint8ToInt32(bytes: Uint8Array): Int32Array {
  return Int32Array.from(bytes);
}

/** Any non-zero byte is true (1); the spec does not say, and torch/numpy only ever write 0 and 1. */
export function boolToInt32(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = bytes[i] === 0 ? 0 : 1;
  return out;
}
