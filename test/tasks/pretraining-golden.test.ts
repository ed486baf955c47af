/**
 * The pre-training task on the shard form of Hugging Face's training golden: ShardDataset over
 * train-start/shard.safetensors (batch 3, in order) + pretrainingTask, six AdamW steps with the golden recipe,
 * reproduce the losses (total, MLM, NSP) and end at the golden parameters. A minimal loop drives it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { openShards } from "../../src/data/pretraining/shard-dataset.js";
import { readSafetensors } from "../../src/io/safetensors.js";
import { pretrainingTask } from "../../src/tasks/pretraining/pretraining-task.js";
import { backward } from "../../src/tensor/autograd.js";
import { AdamW, clipGradNorm } from "../../src/train/adamw.js";
import { linearWarmupDecay } from "../../src/train/schedule.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "train-start");

interface Trajectory { losses: number[]; mlm_losses: number[]; nsp_losses: number[] }

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
}

it("six steps of the pre-training task on shard.safetensors reproduce Hugging Face's trajectory", () => {
  const { model, config } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  expect(config.hidden_dropout_prob).toBe(0);
  model.train();
  const golden = JSON.parse(readFileSync(join(DIR, "golden_trajectory.json"), "utf8")) as Trajectory;
  const data = openShards(join(DIR, "shard.safetensors"), { vocabSize: config.vocab_size });
  expect(data.size).toBe(18);
  expect(data.seqLength).toBe(24);
  const task = pretrainingTask();
  expect(task.augment).toBeUndefined(); // static masking: the golden's own labels
  const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6 });
  const schedule = linearWarmupDecay(1e-3, 2, 6);
  for (let step = 0; step < 6; step++) {
    const out = task.step(model, data.batch([3 * step, 3 * step + 1, 3 * step + 2]));
    const { mlm_loss, nsp_loss, masked_accuracy, nsp_accuracy } = out.metrics;
    expect(relative(out.loss.item(), golden.losses[step])).toBeLessThan(1e-4);
    expect(relative(mlm_loss.value, golden.mlm_losses[step])).toBeLessThan(1e-4);
    expect(relative(nsp_loss.value, golden.nsp_losses[step])).toBeLessThan(1e-4);
    expect(nsp_loss.weight).toBe(3);
    expect(nsp_accuracy.weight).toBe(3);
    expect(mlm_loss.weight).toBeGreaterThan(0);
    expect(masked_accuracy.weight).toBe(mlm_loss.weight);
    expect(masked_accuracy.value).toBeGreaterThanOrEqual(0);
    expect(masked_accuracy.value).toBeLessThanOrEqual(1);
    backward(out.loss);
    const { scale } = clipGradNorm(model.parameters(), 1.0);
    opt.lr = schedule(step);
    opt.step(scale);
    opt.zeroGrad();
  }
  const after = readSafetensors(join(DIR, "golden_params_after.safetensors")).tensors;
  let worst = 0;
  for (const [name, p] of model.namedParameters()) {
    const want = after.get(name);
    if (!want) throw new Error(`${name} missing from golden_params_after`);
    for (let i = 0; i < p.size; i++) worst = Math.max(worst, Math.abs(p.data[i] - want.data[i]));
  }
  expect(worst).toBeLessThan(1e-4);
});

it("the metrics' weights are the predicted positions, the rows and the real tokens of the batch", () => {
  const { model } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  const data = openShards(join(DIR, "shard.safetensors"));
  const batch = data.batch([0, 1, 2]);
  const labels = batch.labels.ints("test");
  const predicted = labels.filter((l) => l !== -100).length;
  const tokens = batch.attentionMask.ints("test").reduce((a, b) => a + b, 0);
  const out = pretrainingTask().step(model, batch);
  expect(out.metrics.mlm_loss.weight).toBe(predicted);
  expect(out.tokens).toBe(tokens);
  expect(tokens).toBeLessThan(3 * 24); // the golden batch has padding, so this tells tokens from positions
});
