/**
 * Builds safetensors byte buffers by hand, independently of the serializer under test, so tests
 * can produce any dtype, odd alignment or corruption.
 */

/** [u64 LE header length][header JSON][data]; `headerLength` overrides the true length. */
export function buildSafetensors(header: unknown, data: ArrayLike<number> = [], headerLength?: bigint): Uint8Array {
  const headerBytes = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + headerBytes.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(Array.from(data), 8 + headerBytes.length);
  return out;
}

type Kind = "f64" | "f32" | "u16" | "i16" | "i32" | "u32" | "i64" | "u64" | "i8" | "u8";
const WIDTH: Record<Kind, number> = { f64: 8, f32: 4, u16: 2, i16: 2, i32: 4, u32: 4, i64: 8, u64: 8, i8: 1, u8: 1 };

/** Little-endian bytes of `values` as `kind`, written with explicit byte order. */
export function littleEndian(kind: Kind, values: readonly (number | bigint)[]): number[] {
  const width = WIDTH[kind];
  const view = new DataView(new ArrayBuffer(values.length * width));
  values.forEach((value, i) => {
    const at = i * width;
    if (kind === "f64") view.setFloat64(at, Number(value), true);
    else if (kind === "f32") view.setFloat32(at, Number(value), true);
    else if (kind === "u16") view.setUint16(at, Number(value), true);
    else if (kind === "i16") view.setInt16(at, Number(value), true);
    else if (kind === "i32") view.setInt32(at, Number(value), true);
    else if (kind === "u32") view.setUint32(at, Number(value), true);
    else if (kind === "i64") view.setBigInt64(at, BigInt(value), true);
    else if (kind === "u64") view.setBigUint64(at, BigInt(value), true);
    else if (kind === "i8") view.setInt8(at, Number(value));
    else view.setUint8(at, Number(value));
  });
  return Array.from(new Uint8Array(view.buffer));
}

/** A header entry. */
export function entry(dtype: string, shape: number[], begin: number, end: number): { dtype: string; shape: number[]; data_offsets: number[] } {
  return { dtype, shape, data_offsets: [begin, end] };
}

/** Float32 bit pattern of each element, to compare NaN payloads and signed zeros exactly. */
export function float32Bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}
