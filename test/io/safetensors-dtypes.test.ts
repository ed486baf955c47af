import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FormatError } from "../../src/errors.js";
import { parseSafetensors, readSafetensorsHeader, type TensorData } from "../../src/io/safetensors.js";
import { buildSafetensors, entry, float32Bits, littleEndian } from "./safetensors-bytes.js";

/** A one-tensor file holding `data` as `dtype`, parsed back. */
function readOne(dtype: string, shape: number[], data: number[]): TensorData {
  const file = parseSafetensors(buildSafetensors({ t: entry(dtype, shape, 0, data.length) }, data), "one.safetensors");
  const tensor = file.tensors.get("t");
  if (tensor === undefined) throw new Error("tensor t missing");
  return tensor;
}

describe("reading each dtype", () => {
  it("F32 and I32 as they are", () => {
    const f32 = readOne("F32", [2, 2], littleEndian("f32", [1.5, -2, 0.1, 3e38]));
    expect(f32.dtype).toBe("float32");
    expect(f32.shape).toEqual([2, 2]);
    expect(Array.from(f32.data)).toEqual([1.5, -2, Math.fround(0.1), Math.fround(3e38)]);
    const i32 = readOne("I32", [3], littleEndian("i32", [-2147483648, 0, 2147483647]));
    expect(i32).toEqual({ dtype: "int32", shape: [3], data: new Int32Array([-2147483648, 0, 2147483647]) });
  });

  it("F16 and BF16 as float32, with subnormals, infinities and NaN", () => {
    const f16 = readOne("F16", [6], littleEndian("u16", [0x3c00, 0x0001, 0x8000, 0x7c00, 0xfc00, 0x7e00]));
    expect(f16.dtype).toBe("float32");
    expect(float32Bits(f16.data as Float32Array)).toEqual([0x3f800000, 0x33800000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000]);
    const bf16 = readOne("BF16", [2, 2], littleEndian("u16", [0x3f80, 0xc049, 0x0001, 0x7fc0]));
    expect(bf16.shape).toEqual([2, 2]);
    expect(float32Bits(bf16.data as Float32Array)).toEqual([0x3f800000, 0xc0490000, 0x00010000, 0x7fc00000]);
  });

  it("F64 as float32, rounding to nearest", () => {
    const f64 = readOne("F64", [3], littleEndian("f64", [0.1, -1 / 3, 1e-300]));
    expect(Array.from(f64.data)).toEqual([Math.fround(0.1), Math.fround(-1 / 3), 0]);
  });

  it("I64 as int32", () => {
    const i64 = readOne("I64", [4], littleEndian("i64", [101n, -1n, 2147483647n, -2147483648n]));
    expect(i64).toEqual({ dtype: "int32", shape: [4], data: new Int32Array([101, -1, 2147483647, -2147483648]) });
  });

  it("smaller and unsigned integers and BOOL as int32", () => {
    expect(readOne("I16", [2], littleEndian("i16", [-300, 7])).data).toEqual(new Int32Array([-300, 7]));
    expect(readOne("U16", [1], littleEndian("u16", [65535])).data).toEqual(new Int32Array([65535]));
    expect(readOne("U32", [1], littleEndian("u32", [123456])).data).toEqual(new Int32Array([123456]));
    expect(readOne("U64", [1], littleEndian("u64", [5n])).data).toEqual(new Int32Array([5]));
    expect(readOne("I8", [3], littleEndian("i8", [-128, 0, 127])).data).toEqual(new Int32Array([-128, 0, 127]));
    expect(readOne("U8", [2], [0, 255]).data).toEqual(new Int32Array([0, 255]));
    expect(readOne("BOOL", [3], [1, 0, 1])).toEqual({ dtype: "int32", shape: [3], data: new Int32Array([1, 0, 1]) });
  });

  it("scalars and zero-size tensors", () => {
    expect(readOne("F16", [], littleEndian("u16", [0x4000]))).toEqual({ dtype: "float32", shape: [], data: new Float32Array([2]) });
    expect(readOne("I64", [0, 4], [])).toEqual({ dtype: "int32", shape: [0, 4], data: new Int32Array(0) });
  });
});

describe("values that do not fit", () => {
  it("an I64 value outside int32 names the tensor, the element and the value", () => {
    const bytes = buildSafetensors({ "bert.embeddings.position_ids": entry("I64", [3], 0, 24) }, littleEndian("i64", [0n, 1n, 4294967296n]));
    expect(() => parseSafetensors(bytes, "ids.safetensors")).toThrow(FormatError);
    expect(() => parseSafetensors(bytes, "ids.safetensors")).toThrow(
      'ids.safetensors: tensor "bert.embeddings.position_ids": element 2 of I64 is 4294967296, outside the int32 range',
    );
  });

  it("an F64 value beyond float32", () => {
    const bytes = buildSafetensors({ w: entry("F64", [1], 0, 8) }, littleEndian("f64", [-1e300]));
    expect(() => parseSafetensors(bytes, "w.safetensors")).toThrow('tensor "w": element 0 of F64 is -1e+300, outside the float32 range');
  });
});

describe("dtypes bertkit does not compute in", () => {
  const bytes = buildSafetensors({ "q.weight": entry("F8_E4M3", [2], 0, 2) }, [0x38, 0x40]);
  const directory = mkdtempSync(join(tmpdir(), "bertkit-dtypes-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("are a FormatError naming the tensor and the dtype", () => {
    expect(() => parseSafetensors(bytes, "fp8.safetensors")).toThrow(
      'fp8.safetensors: tensor "q.weight": dtype F8_E4M3 is not supported (bertkit reads float and integer dtypes up to 64 bits). Convert the checkpoint to F32',
    );
  });

  it("are still listed by readSafetensorsHeader, with the dtype as the file spells it", () => {
    const path = join(directory, "fp8.safetensors");
    writeFileSync(path, bytes);
    expect(readSafetensorsHeader(path)).toEqual(new Map([["q.weight", { dtype: "F8_E4M3", shape: [2] }]]));
  });
});

it("copies data at unaligned file offsets instead of viewing them", () => {
  // Header of odd length and a 3-byte tensor first: the F32 and I64 data start at odd file offsets.
  const data = [...littleEndian("u8", [1, 2, 3]), ...littleEndian("f32", [1.25, -7]), ...littleEndian("i64", [-5n])];
  const header = { a: entry("U8", [3], 0, 3), b: entry("F32", [2], 3, 11), c: entry("I64", [1], 11, 19) };
  const headerText = JSON.stringify(header) + (JSON.stringify(header).length % 2 === 0 ? " " : "");
  const bytes = buildSafetensors(headerText, data);
  // As a Node Buffer at an odd offset inside a larger allocation, like a pooled Buffer.
  const backing = Buffer.alloc(bytes.length + 1);
  backing.set(bytes, 1);
  const file = parseSafetensors(backing.subarray(1), "unaligned.safetensors");
  const b = file.tensors.get("b");
  expect(b?.data).toEqual(new Float32Array([1.25, -7]));
  expect(b?.data.byteOffset).toBe(0);
  expect(b?.data.buffer).not.toBe(backing.buffer);
  expect(file.tensors.get("c")?.data).toEqual(new Int32Array([-5]));
  backing.fill(0); // the parsed tensors own their memory
  expect(b?.data).toEqual(new Float32Array([1.25, -7]));
});
