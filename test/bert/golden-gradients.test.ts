/**
 * ../shared/golden/models/train-start: the MLM + NSP loss of batch 0 equals Hugging Face's, and the
 * gradient of every parameter is within 1e-4 absolute (or 1e-3 relative where values are large).
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { readSafetensors, type TensorData } from "../../src/io/safetensors.js";
import { backward } from "../../src/tensor/autograd.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { withBackend } from "../../src/backend/registry.js";
import { backends } from "../helpers/backends.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "train-start");

function asInt(t: TensorData | undefined): Tensor {
  if (t === undefined || t.dtype !== "int32") throw new Error("golden batch tensors must be int32");
  return new Tensor(t.data, t.shape);
}

it.each(backends)("matches Hugging Face's loss and every parameter gradient on batch 0 on the $name backend", (kernels) => withBackend(kernels, () => {
  const { model } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("train-start is a BertForPreTraining");
  model.train(); // dropout is 0 in this config, so train mode is deterministic
  const batches = readSafetensors(join(DIR, "golden_batches.safetensors")).tensors;
  const trajectory = JSON.parse(readFileSync(join(DIR, "golden_trajectory.json"), "utf8")) as { losses: number[]; mlm_losses: number[]; nsp_losses: number[] };
  const out = model.forward({
    inputIds: asInt(batches.get("b0.input_ids")),
    attentionMask: asInt(batches.get("b0.attention_mask")),
    tokenTypeIds: asInt(batches.get("b0.token_type_ids")),
    labels: asInt(batches.get("b0.labels")),
    nextSentenceLabel: asInt(batches.get("b0.next_sentence_label")),
  });
  if (out.loss === null || out.mlmLoss === null || out.nspLoss === null) throw new Error("loss expected");
  console.log(`loss ${out.loss.item()} (HF ${trajectory.losses[0]}), mlm ${out.mlmLoss.item()}, nsp ${out.nspLoss.item()}`);
  expect(Math.abs(out.loss.item() - trajectory.losses[0])).toBeLessThan(1e-4);
  expect(Math.abs(out.mlmLoss.item() - trajectory.mlm_losses[0])).toBeLessThan(1e-4);
  expect(Math.abs(out.nspLoss.item() - trajectory.nsp_losses[0])).toBeLessThan(1e-4);

  backward(out.loss);
  const golden = readSafetensors(join(DIR, "golden_grads.safetensors")).tensors;
  const params = new Map(model.namedParameters());
  expect(params.size).toBe(golden.size);
  let worst = 0;
  for (const [name, expected] of golden) {
    const p = params.get(name);
    expect(p, name).toBeDefined();
    const g = p?.grad;
    expect(g, `gradient of ${name}`).toBeTruthy();
    if (!g) continue;
    let maxAbs = 0;
    let maxRel = 0;
    for (let i = 0; i < expected.data.length; i++) {
      const d = Math.abs(g.data[i] - expected.data[i]);
      maxAbs = Math.max(maxAbs, d);
      maxRel = Math.max(maxRel, d / Math.max(Math.abs(expected.data[i]), 1e-30));
      expect(d <= 1e-4 || d <= 1e-3 * Math.abs(expected.data[i]), `${name}[${i}]: ${g.data[i]} vs ${expected.data[i]}`).toBe(true);
    }
    worst = Math.max(worst, maxAbs);
    console.log(`grad ${name}: max |Δ| = ${maxAbs.toExponential(2)}`);
  }
  console.log(`worst gradient difference ${worst.toExponential(2)} over ${golden.size} parameters`);
}));
