/**
 * forwardFile as a library function: it returns the written outputs and the load report (a head the checkpoint
 * lacks is newly initialised), and accepts only I32/I64 ids, judged on the file's own dtypes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { forwardFile, readModelInputs } from "../../src/inference/forward-file.js";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { SHARED } from "../helpers/golden.js";
import { buildSafetensors, entry, littleEndian } from "../io/safetensors-bytes.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
const dir = mkdtempSync(join(tmpdir(), "bertkit-forward-file-"));
const IDS = [101, 2009, 2001, 102];

type Kind = Parameters<typeof littleEndian>[0];
const WIDTH: Partial<Record<Kind, number>> = { u8: 1, i8: 1, i16: 2, i32: 4, u32: 4, f32: 4, i64: 8 };

/** A safetensors file of (1, 4) tensors in the dtypes given, written byte by byte. */
function inputsFile(name: string, tensors: Array<[string, string, Kind, number[]]>): string {
  const header: Record<string, unknown> = {};
  const data: number[] = [];
  for (const [tensor, dtype, kind, values] of tensors) {
    const bytes = littleEndian(kind, values);
    header[tensor] = entry(dtype, [1, values.length], data.length, data.length + (WIDTH[kind] ?? 0) * values.length);
    data.push(...bytes);
  }
  const path = join(dir, name);
  writeFileSync(path, buildSafetensors(header, data));
  return path;
}

describe("forwardFile", () => {
  it("returns the outputs written and a report naming the newly initialised head", () => {
    const inputs = join(dir, "in.safetensors");
    writeSafetensors(inputs, { input_ids: { dtype: "int32", shape: [1, 4], data: Int32Array.from(IDS) } });
    const out = join(dir, "qa.safetensors");
    const result = forwardFile({ model: MINI, inputs, out, class: "BertForQuestionAnswering" });
    expect(result.architecture).toBe("BertForQuestionAnswering");
    expect(result.outputs).toEqual([["start_logits", [1, 4]], ["end_logits", [1, 4]]]);
    expect(result.report.newlyInitialized.sort()).toEqual(["qa_outputs.bias", "qa_outputs.weight"]);
    expect(result.report.unused.length).toBeGreaterThan(0); // the pre-training heads
    expect([...readSafetensors(out).tensors.keys()].sort()).toEqual(["end_logits", "start_logits"]);

    const own = forwardFile({ model: MINI, inputs, out: join(dir, "pt.safetensors") });
    expect(own.architecture).toBe("BertForPreTraining");
    expect(own.report.newlyInitialized).toEqual([]);
  });

  it("reads I64 ids", () => {
    const inputs = readModelInputs(inputsFile("i64.safetensors", [["input_ids", "I64", "i64", IDS], ["token_type_ids", "I32", "i32", [0, 0, 0, 0]]]));
    expect(Array.from(inputs.inputIds.ints("test"))).toEqual(IDS);
  });

  it.each([
    ["input_ids", "U8", "u8"],
    ["input_ids", "I16", "i16"],
    ["input_ids", "U32", "u32"],
    ["input_ids", "F32", "f32"],
    ["attention_mask", "I8", "i8"],
  ] as const)("rejects %s as %s, saying which dtypes are allowed", (name, dtype, kind) => {
    const tensors: Array<[string, string, Kind, number[]]> =
      name === "input_ids" ? [[name, dtype, kind, IDS]] : [["input_ids", "I32", "i32", IDS], [name, dtype, kind, [1, 1, 1, 1]]];
    const path = inputsFile(`${dtype}.safetensors`, tensors);
    expect(() => readModelInputs(path)).toThrow(
      `${path}: "${name}" is ${dtype}; input_ids, attention_mask, token_type_ids must be I32 or I64`,
    );
  });
});
