import { describe, expect, it } from "vitest";
import {
  bfloat16ToFloat32, boolToInt32, float16BitsToFloat32Bits, float16ToFloat32, float64ToFloat32, int16ToInt32,
  int64ToInt32, int8ToInt32, swapByteOrder, uint16ToInt32, uint32ToInt32, uint64ToInt32, uint8ToInt32,
} from "../../src/io/dtype-convert.js";
import { float32Bits, littleEndian } from "./safetensors-bytes.js";

const bytes = (values: number[]): Uint8Array => new Uint8Array(values);
const reject = (index: number, value: string): never => {
  throw new Error(`out of range at ${index}: ${value}`);
};

describe("float16 → float32", () => {
  // [half bits, value worked out by hand from sign/exponent/mantissa]
  const cases: [number, number][] = [
    [0x3c00, 1],
    [0xc000, -2],
    [0x3555, 0.333251953125], // 2^-2 × (1 + 341/1024)
    [0x3bff, 0.99951171875], // largest below 1: 1 - 2^-11
    [0x7bff, 65504], // largest finite
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x8001, -(2 ** -24)],
    [0x0200, 2 ** -15],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  it.each(cases)("half bits %i → %s", (half, value) => {
    expect(float16ToFloat32(bytes(littleEndian("u16", [half])))[0]).toBe(value);
  });

  it("keeps the sign of zero", () => {
    expect(Object.is(float16ToFloat32(bytes(littleEndian("u16", [0x8000])))[0], -0)).toBe(true);
    expect(Object.is(float16ToFloat32(bytes(littleEndian("u16", [0x0000])))[0], 0)).toBe(true);
  });

  it("maps NaN to NaN with its payload and quiet bit", () => {
    expect(float16BitsToFloat32Bits(0x7e00)).toBe(0x7fc00000);
    expect(float16BitsToFloat32Bits(0xfd01)).toBe(0xffa02000); // signalling NaN, payload 0x101
    expect(float16ToFloat32(bytes(littleEndian("u16", [0x7e00]))).every(Number.isNaN)).toBe(true);
  });

  it("is exact for every one of the 65536 half values", () => {
    // Reference: value = (-1)^s × 2^(e-15) × (1 + m/1024), or 2^-14 × m/1024 for subnormals.
    for (let half = 0; half < 0x10000; half++) {
      const sign = half & 0x8000 ? -1 : 1;
      const exponent = (half >> 10) & 0x1f;
      const mantissa = half & 0x3ff;
      if (exponent === 0x1f) continue; // Inf/NaN covered above
      const expected = sign * (exponent === 0 ? 2 ** -14 * (mantissa / 1024) : 2 ** (exponent - 15) * (1 + mantissa / 1024));
      const got = new Float32Array(new Uint32Array([float16BitsToFloat32Bits(half)]).buffer)[0];
      if (!Object.is(got, expected)) expect.fail(`half 0x${half.toString(16)}: got ${got}, expected ${expected}`);
    }
  });
});

describe("bfloat16 → float32", () => {
  const cases: [number, number][] = [
    [0x3f80, 1],
    [0xc049, -3.140625], // -(2^1 × (1 + 73/128))
    [0x4780, 65536],
    [0x7f7f, 0xff * 2 ** 120], // largest finite: 2^127 × (1 + 127/128)
    [0x0080, 2 ** -126], // smallest normal
    [0x0001, 2 ** -133], // smallest subnormal
    [0x7f80, Infinity],
    [0xff80, -Infinity],
  ];
  it.each(cases)("bfloat16 bits %i → %s", (bf, value) => {
    expect(bfloat16ToFloat32(bytes(littleEndian("u16", [bf])))[0]).toBe(value);
  });

  it("keeps -0 and NaN payloads", () => {
    expect(float32Bits(bfloat16ToFloat32(bytes(littleEndian("u16", [0x8000, 0x7fc1, 0xff81]))))).toEqual([0x80000000, 0x7fc10000, 0xff810000]);
  });
});

describe("float64 → float32", () => {
  it("rounds to nearest and passes Inf/NaN through", () => {
    const out = float64ToFloat32(bytes(littleEndian("f64", [0.1, -1e-50, 3.4e38, Infinity, NaN])), reject);
    expect(Array.from(out.slice(0, 4))).toEqual([Math.fround(0.1), -0, Math.fround(3.4e38), Infinity]);
    expect(Number.isNaN(out[4])).toBe(true);
  });

  it("rejects a finite value that would overflow to Inf", () => {
    expect(() => float64ToFloat32(bytes(littleEndian("f64", [1, 1e39])), reject)).toThrow("out of range at 1: 1e+39");
  });
});

describe("integers → int32", () => {
  it("int64 keeps values in int32 range and rejects the rest", () => {
    const inRange = [0n, -1n, 2147483647n, -2147483648n];
    expect(Array.from(int64ToInt32(bytes(littleEndian("i64", inRange)), reject))).toEqual([0, -1, 2147483647, -2147483648]);
    expect(() => int64ToInt32(bytes(littleEndian("i64", [5n, 2147483648n])), reject)).toThrow("out of range at 1: 2147483648");
    expect(() => int64ToInt32(bytes(littleEndian("i64", [-2147483649n])), reject)).toThrow("-2147483649");
    expect(() => int64ToInt32(bytes(littleEndian("i64", [2n ** 32n])), reject)).toThrow("4294967296"); // low word 0
  });

  it("uint64 and uint32 reject values above 2^31 - 1", () => {
    expect(Array.from(uint64ToInt32(bytes(littleEndian("u64", [0n, 2147483647n])), reject))).toEqual([0, 2147483647]);
    expect(() => uint64ToInt32(bytes(littleEndian("u64", [2147483648n])), reject)).toThrow("2147483648");
    expect(() => uint64ToInt32(bytes(littleEndian("u64", [2n ** 63n])), reject)).toThrow("9223372036854775808");
    expect(Array.from(uint32ToInt32(bytes(littleEndian("u32", [7, 2147483647])), reject))).toEqual([7, 2147483647]);
    expect(() => uint32ToInt32(bytes(littleEndian("u32", [4294967295])), reject)).toThrow("4294967295");
  });

  it("widens 8- and 16-bit integers and booleans", () => {
    expect(Array.from(int16ToInt32(bytes(littleEndian("i16", [-32768, 32767, -1]))))).toEqual([-32768, 32767, -1]);
    expect(Array.from(uint16ToInt32(bytes(littleEndian("u16", [65535, 1]))))).toEqual([65535, 1]);
    expect(Array.from(int8ToInt32(bytes([0x80, 0x7f, 0xff])))).toEqual([-128, 127, -1]);
    expect(Array.from(uint8ToInt32(bytes([0x80, 0xff])))).toEqual([128, 255]);
    expect(Array.from(boolToInt32(bytes([0, 1, 2])))).toEqual([0, 1, 1]);
  });

  it("reads from a view at an odd offset", () => {
    const backing = new Uint8Array([9, ...littleEndian("i16", [-2, 300])]);
    expect(Array.from(int16ToInt32(backing.subarray(1)))).toEqual([-2, 300]);
    expect(Array.from(int8ToInt32(backing.subarray(1, 2)))).toEqual([-2]);
  });
});

it("swapByteOrder reverses each element (the big-endian host path)", () => {
  const data = bytes([1, 2, 3, 4, 5, 6, 7, 8]);
  swapByteOrder(data, 4);
  expect(Array.from(data)).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  swapByteOrder(data, 2);
  expect(Array.from(data)).toEqual([3, 4, 1, 2, 7, 8, 5, 6]);
});
