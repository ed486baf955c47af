import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import {
  parseSafetensors, readSafetensors, readSafetensorsHeader, serializeSafetensors, writeSafetensors, type TensorData,
} from "../../src/io/safetensors.js";
import { float32Bits, littleEndian } from "./safetensors-bytes.js";

const f32 = (shape: number[], values: number[]): TensorData => ({ dtype: "float32", shape, data: new Float32Array(values) });
const i32 = (shape: number[], values: number[]): TensorData => ({ dtype: "int32", shape, data: new Int32Array(values) });

/** The bytes the reference library writes: u64 length, the header JSON padded with spaces, the data. */
function referenceBytes(headerJson: string, data: number[] = []): Uint8Array {
  const padded = headerJson + " ".repeat((8 - (headerJson.length % 8)) % 8);
  return new Uint8Array([...littleEndian("u64", [BigInt(padded.length)]), ...new TextEncoder().encode(padded), ...data]);
}

function headerOf(bytes: Uint8Array): string {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + length));
}

describe("byte layout, as the reference library writes it", () => {
  // The same cases as the reference implementation's own serialization tests.
  it("one tensor whose header needs no padding", () => {
    const bytes = serializeSafetensors({ "attn.0": f32([1, 2, 3], [0, 1, 2, 3, 4, 5]) });
    const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(64);
    expect(bytes).toEqual(referenceBytes(header, littleEndian("f32", [0, 1, 2, 3, 4, 5])));
  });

  it("one tensor whose header is padded with spaces to a multiple of 8", () => {
    const bytes = serializeSafetensors(new Map([["attn0", f32([1, 1, 2, 3], [0, 1, 2, 3, 4, 5])]]));
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(bytes).toEqual(referenceBytes(header, littleEndian("f32", [0, 1, 2, 3, 4, 5])));
    expect(headerOf(bytes)).toBe(`${header}       `);
  });

  it("no tensors, without and with metadata", () => {
    expect(serializeSafetensors({})).toEqual(referenceBytes("{}"));
    expect(serializeSafetensors({}, { framework: "pt" })).toEqual(referenceBytes('{"__metadata__":{"framework":"pt"}}'));
  });

  it("F32 tensors before I32 tensors, each group by name; metadata first with sorted keys", () => {
    const bytes = serializeSafetensors(
      { z: i32([1], [1]), b: f32([1], [2]), a: i32([1], [3]), "10": f32([], [4]), "9": f32([0], []) },
      { version: "2", format: "pt" },
    );
    expect(headerOf(bytes).trimEnd()).toBe(
      '{"__metadata__":{"format":"pt","version":"2"},' +
        '"10":{"dtype":"F32","shape":[],"data_offsets":[0,4]},' +
        '"9":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},' +
        '"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},' +
        '"a":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},' +
        '"z":{"dtype":"I32","shape":[1],"data_offsets":[12,16]}}',
    );
  });

  it("a Record and a Map in any order give the same bytes", () => {
    const a = f32([2], [1, 2]);
    const b = i32([2], [3, 4]);
    expect(serializeSafetensors(new Map([["b", b], ["a", a]]))).toEqual(serializeSafetensors({ a, b }));
  });

  it("every tensor's data starts 8-byte aligned in the file", () => {
    const bytes = serializeSafetensors({ x: f32([3], [1, 2, 3]) });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
  });
});

describe("serialize → parse", () => {
  const nan = new Float32Array(new Uint32Array([0x7fc00001, 0xff800001]).buffer); // NaN payloads, one signalling
  const tensors = new Map<string, TensorData>([
    ["encoder.weight", f32([2, 3], [0.1, -2.5, 3e38, -0, 1e-45, Infinity])],
    ["encoder.nan", { dtype: "float32", shape: [2], data: nan }],
    ["ids", i32([2, 2], [-2147483648, 2147483647, 0, -1])],
    ["scalar", f32([], [42])],
    ["int.scalar", i32([], [-7])],
    ["empty", f32([0, 5], [])],
    ["empty.ids", i32([3, 0], [])],
    ["gewicht.ä.😀", f32([1], [1])],
  ]);
  const metadata = { format: "pt", note: 'quotes " and \\ and ünïcode', ["__proto__"]: "plain key" };
  const bytes = serializeSafetensors(tensors, metadata);
  const parsed = parseSafetensors(bytes, "roundtrip");

  it("gives back every tensor bit for bit, sorted by name", () => {
    expect([...parsed.tensors.keys()]).toEqual([...tensors.keys()].sort());
    for (const [name, tensor] of tensors) {
      const back = parsed.tensors.get(name);
      expect(back?.dtype, name).toBe(tensor.dtype);
      expect(back?.shape, name).toEqual(tensor.shape);
      expect(new Uint8Array(back?.data.buffer ?? new ArrayBuffer(0)), name).toEqual(new Uint8Array(tensor.data.buffer));
    }
    expect(float32Bits(parsed.tensors.get("encoder.nan")?.data as Float32Array)).toEqual([0x7fc00001, 0xff800001]);
  });

  it("gives back the metadata", () => {
    expect(parsed.metadata).toEqual(metadata);
    expect(Object.keys(parsed.metadata)).toContain("__proto__");
    expect(parseSafetensors(serializeSafetensors(tensors), "none").metadata).toEqual({});
  });

  it("re-serializes to identical bytes", () => {
    expect(serializeSafetensors(parsed.tensors, parsed.metadata)).toEqual(bytes);
  });

  it("accepts a header padded with spaces and metadata null", () => {
    const header = '{"__metadata__":null,"x":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}   ';
    const file = parseSafetensors(referenceBytes(header, littleEndian("i32", [9])), "padded");
    expect(file).toEqual({ tensors: new Map([["x", i32([1], [9])]]), metadata: {} });
  });
});

describe("invalid tensors to write are an InputError", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["shape that does not match the data", { w: f32([2, 3], [1, 2, 3]) }, 'cannot write tensor "w" to safetensors: shape [2, 3] has 6 elements but data has 3'],
    ["scalar with no data", { s: f32([], []) }, "shape [] has 1 elements but data has 0"],
    ["negative dim", { w: f32([-1], []) }, "shape [-1] is not an array of non-negative integers"],
    ["fractional dim", { w: f32([0.5], []) }, "shape [0.5] is not an array"],
    ["data of another type", { w: { dtype: "float32", shape: [1], data: new Int32Array(1) } }, "dtype is float32 but data is a Int32Array, not a Float32Array"],
    ["unknown dtype", { w: { dtype: "float16", shape: [1], data: new Uint16Array(1) } }, 'dtype "float16" is not "float32" or "int32"'],
    ["reserved name", { __metadata__: f32([1], [1]) }, 'the name "__metadata__" is reserved'],
  ];
  it.each(cases)("%s", (_label, tensors, message) => {
    // Casts: these values are what untyped (JS or JSON-built) callers could pass.
    const call = (): Uint8Array => serializeSafetensors(tensors as Record<string, TensorData>);
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it("metadata values that are not strings", () => {
    const call = (): Uint8Array => serializeSafetensors({}, { epochs: 3 } as unknown as Record<string, string>);
    expect(call).toThrow(new InputError('safetensors metadata "epochs" is a number; metadata values must be strings'));
  });
});

describe("files", () => {
  const directory = mkdtempSync(join(tmpdir(), "bertkit-safetensors-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const tensors = { "layer.0.weight": f32([2, 2], [1, 2, 3, 4]), "input_ids": i32([1, 3], [101, 7, 102]) };

  it("writeSafetensors → readSafetensors and readSafetensorsHeader", () => {
    const path = join(directory, "model.safetensors");
    writeSafetensors(path, tensors, { format: "pt" });
    expect(readFileSync(path)).toEqual(Buffer.from(serializeSafetensors(tensors, { format: "pt" })));
    expect(readSafetensors(path)).toEqual({ tensors: new Map([["input_ids", tensors.input_ids], ["layer.0.weight", tensors["layer.0.weight"]]]), metadata: { format: "pt" } });
    expect(readSafetensorsHeader(path)).toEqual(new Map([
      ["input_ids", { dtype: "I32", shape: [1, 3] }],
      ["layer.0.weight", { dtype: "F32", shape: [2, 2] }],
    ]));
  });

  it("overwrites an existing file", () => {
    const path = join(directory, "again.safetensors");
    writeSafetensors(path, tensors);
    writeSafetensors(path, { only: f32([1], [5]) });
    expect([...readSafetensors(path).tensors.keys()]).toEqual(["only"]);
  });
});
