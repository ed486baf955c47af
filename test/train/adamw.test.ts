/**
 * Six AdamW steps on ../shared/golden/models/train-start reproduce Hugging Face's trajectory: losses,
 * gradient norms before clipping, learning rates, and every parameter afterwards.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { readSafetensors, type TensorData } from "../../src/io/safetensors.js";
import { backward } from "../../src/tensor/autograd.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { AdamW, clipGradNorm } from "../../src/train/adamw.js";
import { linearWarmupDecay } from "../../src/train/schedule.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "train-start");

interface Trajectory { losses: number[]; grad_norms_before_clip: number[]; lrs: number[] }

it("matches Hugging Face's six-step AdamW trajectory and final parameters", () => {
  const { model } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  model.train();
  const golden = JSON.parse(readFileSync(join(DIR, "golden_trajectory.json"), "utf8")) as Trajectory;
  const batches = readSafetensors(join(DIR, "golden_batches.safetensors")).tensors;
  const int = (name: string): Tensor => {
    const t: TensorData | undefined = batches.get(name);
    if (!t || t.dtype !== "int32") throw new Error(name);
    return new Tensor(t.data, t.shape);
  };
  const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6 });
  const schedule = linearWarmupDecay(1e-3, 2, 6);
  for (let step = 0; step < 6; step++) {
    const out = model.forward({
      inputIds: int(`b${step}.input_ids`), attentionMask: int(`b${step}.attention_mask`), tokenTypeIds: int(`b${step}.token_type_ids`),
      labels: int(`b${step}.labels`), nextSentenceLabel: int(`b${step}.next_sentence_label`),
    });
    if (!out.loss) throw new Error("loss expected");
    backward(out.loss);
    const { norm, scale } = clipGradNorm(model.parameters(), 1.0);
    opt.lr = schedule(step);
    console.log(`step ${step}: loss ${out.loss.item().toFixed(6)} (HF ${golden.losses[step].toFixed(6)}), grad norm ${norm.toFixed(5)} (HF ${golden.grad_norms_before_clip[step].toFixed(5)}), lr ${opt.lr}`);
    expect(Math.abs(out.loss.item() - golden.losses[step])).toBeLessThan(1e-4);
    expect(Math.abs(norm - golden.grad_norms_before_clip[step])).toBeLessThan(1e-4);
    expect(opt.lr).toBeCloseTo(golden.lrs[step], 12);
    opt.step(scale);
    opt.zeroGrad();
  }
  const after = readSafetensors(join(DIR, "golden_params_after.safetensors")).tensors;
  let worst = 0;
  for (const [name, p] of model.namedParameters()) {
    const want = after.get(name);
    expect(want, name).toBeDefined();
    if (!want) continue;
    for (let i = 0; i < p.size; i++) worst = Math.max(worst, Math.abs(p.data[i] - want.data[i]));
  }
  console.log(`max |Δ| over all parameters after 6 steps: ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-4);
});
