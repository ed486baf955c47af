/**
 * A checkpoint that bertkit trained and saved continues in PyTorch: three pre-training steps on the golden
 * shard, `savePretrained`, then bench/peers/torch_pretraining_loss.py (our PyTorch BERT, torch_bert.py) loads the
 * folder and computes the loss on the next batch, which must equal bertkit's within 1e-4.
 *
 * Needs a Python with PyTorch and numpy (Debian: `apt-get install python3-torch`); BERTKIT_TORCH_PYTHON picks the
 * interpreter, else python3 then /usr/bin/python3 are tried. Without one the test is skipped, saying so.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { loadPretrained, savePretrained } from "../../src/bert/pretrained.js";
import { openShards } from "../../src/data/pretraining/shard-dataset.js";
import { writeSafetensors } from "../../src/io/safetensors.js";
import { pretrainingTask } from "../../src/tasks/pretraining/pretraining-task.js";
import { backward, noGrad } from "../../src/tensor/autograd.js";
import { AdamW, clipGradNorm } from "../../src/train/adamw.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCRIPT = join(ROOT, "bench", "peers", "torch_pretraining_loss.py");
const DIR = join(GOLDEN_MODELS, "train-start");

/** A Python that imports torch and numpy, or null. */
function torchPython(): string | null {
  const candidates = [process.env.BERTKIT_TORCH_PYTHON, "python3", "/usr/bin/python3"].filter((p): p is string => p !== undefined && p !== "");
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" });
    if (r.status === 0) return python;
  }
  return null;
}

const python = torchPython();
const title = "a checkpoint saved after three steps gives PyTorch the same loss on the next batch";

it.skipIf(python === null)(python === null ? `${title} — skipped: no Python with PyTorch (apt-get install python3-torch, or set BERTKIT_TORCH_PYTHON)` : title, () => {
  const { model, config } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  model.train();
  const data = openShards(join(DIR, "shard.safetensors"));
  const task = pretrainingTask();
  const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, eps: 1e-6 });
  for (let step = 0; step < 3; step++) {
    const out = task.step(model, data.batch([3 * step, 3 * step + 1, 3 * step + 2]));
    backward(out.loss);
    opt.step(clipGradNorm(model.parameters(), 1.0).scale);
    opt.zeroGrad();
  }
  const dir = mkdtempSync(join(tmpdir(), "bertkit-torch-"));
  savePretrained(join(dir, "model"), model, config, "BertForPreTraining");

  const next = data.batch([9, 10, 11]);
  model.eval();
  const ours = noGrad(() => task.step(model, next));
  writeSafetensors(join(dir, "batch.safetensors"), {
    input_ids: { dtype: "int32", shape: [...next.inputIds.shape], data: next.inputIds.ints("test") },
    token_type_ids: { dtype: "int32", shape: [...next.tokenTypeIds.shape], data: next.tokenTypeIds.ints("test") },
    attention_mask: { dtype: "int32", shape: [...next.attentionMask.shape], data: next.attentionMask.ints("test") },
    labels: { dtype: "int32", shape: [...next.labels.shape], data: next.labels.ints("test") },
    next_sentence_label: { dtype: "int32", shape: [...next.nextSentenceLabel.shape], data: next.nextSentenceLabel.ints("test") },
  });
  const r = spawnSync(python ?? "python3", [SCRIPT, "--model", join(dir, "model"), "--batch", join(dir, "batch.safetensors")], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const theirs = JSON.parse(r.stdout) as { loss: number; mlm_loss: number; nsp_loss: number; torch: string };
  console.log(`bertkit ${ours.loss.item().toFixed(6)}, PyTorch ${theirs.torch}: ${theirs.loss.toFixed(6)}`);
  const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
  expect(relative(theirs.loss, ours.loss.item())).toBeLessThan(1e-4);
  expect(relative(theirs.mlm_loss, ours.metrics.mlm_loss.value)).toBeLessThan(1e-4);
  expect(relative(theirs.nsp_loss, ours.metrics.nsp_loss.value)).toBeLessThan(1e-4);
  // Training moved the model: the loss on this batch is not the untrained model's.
  const { model: start } = loadPretrained(DIR);
  if (!(start instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  expect(Math.abs(noGrad(() => task.step(start, next)).loss.item() - ours.loss.item())).toBeGreaterThan(1e-3);
});
