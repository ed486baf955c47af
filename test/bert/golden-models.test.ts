/**
 * Every golden model of ../shared/golden/models matches Hugging Face within 1e-4 on real (unpadded)
 * positions: hidden states, attentions and head outputs. Prints the max difference per tensor.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { namedOutputs } from "../../src/inference/named-outputs.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { readSafetensors, type TensorData } from "../../src/io/safetensors.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { withBackend } from "../../src/backend/registry.js";
import { backends } from "../helpers/backends.js";
import { GOLDEN_MODELS, maxDiffMasked } from "../helpers/golden.js";

const MODELS = ["pretraining-tiny", "seqcls-3", "qa", "tokcls-5"];

function asInt(t: TensorData | undefined): Tensor {
  if (t === undefined || t.dtype !== "int32") throw new Error("golden inputs must be int32");
  return new Tensor(t.data, t.shape);
}

const CASES = backends.flatMap((kernels) => MODELS.map((name) => ({ name, backend: kernels.name, kernels })));

describe.each(CASES)("golden model $name on the $backend backend", ({ name, kernels }) => {
  it("matches every Hugging Face output within 1e-4", () => withBackend(kernels, () => {
    const dir = join(GOLDEN_MODELS, name);
    const { model } = loadPretrained(dir);
    const golden = readSafetensors(join(dir, "golden_outputs.safetensors")).tensors;
    const mask = golden.get("attention_mask");
    if (mask === undefined) throw new Error("no attention_mask");
    const outputs = namedOutputs(
      model,
      { inputIds: asInt(golden.get("input_ids")), attentionMask: asInt(mask), tokenTypeIds: asInt(golden.get("token_type_ids")) },
      { hiddenStates: true, attentions: true },
    );
    const compared: string[] = [];
    for (const [key, expected] of golden) {
      if (["input_ids", "attention_mask", "token_type_ids"].includes(key)) continue;
      const actual = outputs.get(key);
      expect(actual, `output ${key}`).toBeDefined();
      if (actual === undefined) continue;
      expect(actual.shape).toEqual(expected.shape);
      const diff = maxDiffMasked(key, actual.data, expected, mask);
      console.log(`${name} ${key}: max |Δ| = ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
      compared.push(key);
    }
    expect(compared.length).toBeGreaterThan(4);
  }));
});
