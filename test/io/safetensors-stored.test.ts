/** BF16 and I8 tensors written in their own width and read back as stored (or widened by the plain reader). */
import { describe, expect, it } from "vitest";
import { parseSafetensors, serializeSafetensors, type StoredTensorData } from "../../src/io/safetensors.js";

describe("BF16 / I8 tensors", () => {
  const tensors: Record<string, StoredTensorData> = {
    a_i8: { dtype: "int8", shape: [2, 2], data: Int8Array.from([-127, 0, 5, 127]) },
    b_bf16: { dtype: "bfloat16", shape: [3], data: Uint16Array.from([0x3f80, 0xc000, 0x0001]) }, // 1, −2, a subnormal
    c_f32: { dtype: "float32", shape: [1], data: Float32Array.from([0.5]) },
  };

  it("are laid out F32, BF16, I8 (the reference's descending dtype order) with their own byte widths", () => {
    const bytes = serializeSafetensors(tensors);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header.c_f32).toEqual({ dtype: "F32", shape: [1], data_offsets: [0, 4] });
    expect(header.b_bf16).toEqual({ dtype: "BF16", shape: [3], data_offsets: [4, 10] });
    expect(header.a_i8).toEqual({ dtype: "I8", shape: [2, 2], data_offsets: [10, 14] });
    expect([...bytes.subarray(8 + headerLength + 4, 8 + headerLength + 14)]).toEqual([0x80, 0x3f, 0x00, 0xc0, 0x01, 0x00, 0x81, 0x00, 0x05, 0x7f]);
  });

  it("the plain reader widens them to float32 / int32 exactly", () => {
    const { tensors: read } = parseSafetensors(serializeSafetensors(tensors), "mem");
    expect(read.get("b_bf16")).toEqual({ dtype: "float32", shape: [3], data: Float32Array.from([1, -2, 2 ** -133]) });
    expect(read.get("a_i8")).toEqual({ dtype: "int32", shape: [2, 2], data: Int32Array.from([-127, 0, 5, 127]) });
  });
});
