/**
 * Typed arrays as base64 for the explore page's JSON (see explore-data.ts): Float32 exactly, attention
 * probabilities as Uint16 p·65535. Both little-endian, as Node and every browser bertkit targets lay them out.
 */
import { Buffer } from "node:buffer";

export function base64Float32(values: ArrayLike<number>): string {
  const a = Float32Array.from(values);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/** Probabilities in 0…1 → Uint16 (rounded, clamped) → base64; the page divides by 65535. */
export function base64Probabilities(values: ArrayLike<number>): string {
  const a = new Uint16Array(values.length);
  for (let i = 0; i < a.length; i++) a[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 65535);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

/** Inverse of `base64Float32` (tests and tools reading an exported page). */
export function float32FromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Inverse of `base64Probabilities`. */
export function probabilitiesFromBase64(text: string): Float64Array {
  const bytes = Buffer.from(text, "base64");
  const u = new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return Float64Array.from(u, (x) => x / 65535);
}
