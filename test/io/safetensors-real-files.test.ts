import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSafetensors, readSafetensors, readSafetensorsHeader, serializeSafetensors } from "../../src/io/safetensors.js";

// Files written by the Python safetensors library (PyTorch save_pretrained / save_file).
const shared = (path: string): string => fileURLToPath(new URL(`../../../shared/${path}`, import.meta.url));
const GUTENBERG_MINI = shared("models/gutenberg-mini/model.safetensors");
const SEQCLS_MODEL = shared("golden/models/seqcls-3/model.safetensors");
const SEQCLS_GOLDEN = shared("golden/models/seqcls-3/golden_outputs.safetensors");

describe("gutenberg-mini model.safetensors (45 MB, F32)", () => {
  it("header lists every weight with its shape", () => {
    const header = readSafetensorsHeader(GUTENBERG_MINI);
    expect(header.size).toBe(78);
    expect(header.get("bert.embeddings.word_embeddings.weight")).toEqual({ dtype: "F32", shape: [30522, 256] });
    expect(header.get("bert.embeddings.position_embeddings.weight")).toEqual({ dtype: "F32", shape: [512, 256] });
    expect(header.get("bert.encoder.layer.0.attention.self.query.weight")).toEqual({ dtype: "F32", shape: [256, 256] });
    expect(header.get("cls.predictions.bias")).toEqual({ dtype: "F32", shape: [30522] });
  });

  it("reads the values Python reads", () => {
    const { tensors, metadata } = readSafetensors(GUTENBERG_MINI);
    expect(metadata).toEqual({ format: "pt" });
    expect(tensors.size).toBe(78);
    const words = tensors.get("bert.embeddings.word_embeddings.weight");
    expect(words?.shape).toEqual([30522, 256]);
    expect(words?.data.length).toBe(30522 * 256);
    // Reference values from numpy.frombuffer(..., "<f4") on the same file.
    expect(Array.from(words?.data.subarray(0, 3) ?? [])).toEqual([-0.04651118814945221, 0.053930483758449554, 0.024231992661952972]);
    expect(words?.data[30522 * 256 - 1]).toBe(-0.0047090742737054825);
    const norm = tensors.get("bert.embeddings.LayerNorm.weight");
    expect(Array.from(norm?.data.subarray(0, 3) ?? [])).toEqual([0.9885591864585876, 0.9711950421333313, 0.9778691530227661]);
    expect(norm?.data[255]).toBe(1.0057220458984375);
  });
});

describe("seqcls-3 golden files", () => {
  it("golden outputs: I32 inputs and F32 logits", () => {
    const { tensors } = readSafetensors(SEQCLS_GOLDEN);
    const ids = tensors.get("input_ids");
    expect(ids?.dtype).toBe("int32");
    expect(ids?.shape).toEqual([3, 24]);
    expect(Array.from(ids?.data.subarray(0, 24) ?? [])).toEqual(
      [2, 169, 1934, 1723, 498, 1488, 901, 346, 1489, 1772, 1213, 179, 3, 1543, 1743, 710, 242, 176, 247, 1686, 1100, 1673, 1276, 3],
    );
    expect(tensors.get("attention_mask")?.shape).toEqual([3, 24]);
    const logits = tensors.get("logits");
    expect(logits?.dtype).toBe("float32");
    expect(logits?.shape).toEqual([3, 3]);
    expect(logits?.data[1]).toBe(-0.11576604843139648);
    expect(tensors.get("attentions.0")?.shape).toEqual([3, 4, 24, 24]);
  });

  it.each([SEQCLS_MODEL, SEQCLS_GOLDEN])("re-serializes %s to the exact bytes Python wrote, from either reader", (path) => {
    const bytes = readFileSync(path);
    for (const { tensors, metadata } of [parseSafetensors(bytes, path), readSafetensors(path)]) {
      // Buffer.equals rather than toEqual: a deep compare of ~250k floats takes most of a second.
      expect(Buffer.from(serializeSafetensors(tensors, metadata)).equals(bytes)).toBe(true);
    }
  });
});
