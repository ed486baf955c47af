/**
 * The pre-training task under the generic trainer (src/train): with rows in order and the shards' own masks it
 * replays Hugging Face's golden trajectory; with dynamic masking, evaluation and a log it is reproducible from
 * its seed, and its log is what `bertkit plot` draws.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { openShards } from "../../src/data/pretraining/shard-dataset.js";
import { readSafetensors } from "../../src/io/safetensors.js";
import { plotTrainingLog } from "../../src/report/plot.js";
import { BERT_MASKING } from "../../src/tasks/pretraining/dynamic-masking.js";
import { pretrainingTask, type PretrainingTaskOptions } from "../../src/tasks/pretraining/pretraining-task.js";
import { AdamW, linearWarmupDecay, silentProgress, train } from "../../src/train/index.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "train-start");
const SMALL_VOCAB = { size: 2000, maskId: 4, padId: 0, specialIds: [2, 3, 0, 4], isContinuation: new Uint8Array(2000) };

function goldenModel(): BertForPreTraining {
  const { model } = loadPretrained(DIR);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  return model;
}

function logLines(path: string): Record<string, number | boolean>[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | boolean>);
}

interface Run { steps: number; shuffle: boolean; task?: PretrainingTaskOptions; evalEvery?: number; seed?: number }

async function run(r: Run): Promise<{ model: BertForPreTraining; log: string }> {
  const model = goldenModel();
  const data = openShards(join(DIR, "shard.safetensors"), { vocabSize: 2000 });
  const log = join(mkdtempSync(join(tmpdir(), "bertkit-pt-train-")), "log.jsonl");
  await train({
    model, task: pretrainingTask(r.task), data, evalData: r.evalEvery ? data : undefined, evalEvery: r.evalEvery ?? 0,
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6 }),
    schedule: linearWarmupDecay(1e-3, 2, 6), steps: r.steps, batchSize: 3, clip: 1.0, shuffle: r.shuffle, seed: r.seed ?? 42,
    logFile: log, progress: silentProgress, handleSignals: false,
  });
  return { model, log };
}

describe("pretrainingTask under train()", () => {
  it("replays Hugging Face's six golden steps: losses in the log and the parameters after", async () => {
    const golden = JSON.parse(readFileSync(join(DIR, "golden_trajectory.json"), "utf8")) as Record<string, number[]>;
    const { model, log } = await run({ steps: 6, shuffle: false });
    const lines = logLines(log);
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const rel = (a: unknown, b: number): number => Math.abs(Number(a) - b) / Math.abs(b);
    lines.forEach((l, i) => {
      expect(rel(l.loss, golden.losses[i])).toBeLessThan(1e-4);
      expect(rel(l.mlm_loss, golden.mlm_losses[i])).toBeLessThan(1e-4);
      expect(rel(l.nsp_loss, golden.nsp_losses[i])).toBeLessThan(1e-4);
      expect(Number(l.lr)).toBeCloseTo(golden.lrs[i], 12);
    });
    const after = readSafetensors(join(DIR, "golden_params_after.safetensors")).tensors;
    let worst = 0;
    for (const [name, p] of model.namedParameters()) {
      const want = after.get(name);
      if (!want) throw new Error(`${name} missing`);
      for (let i = 0; i < p.size; i++) worst = Math.max(worst, Math.abs(p.data[i] - want.data[i]));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it("with dynamic masking is reproducible from its seed, departs from the static masks, and its log plots", async () => {
    const masked = { masking: { vocab: SMALL_VOCAB, options: BERT_MASKING } };
    const a = logLines((await run({ steps: 8, shuffle: true, task: masked, evalEvery: 4, seed: 7 })).log);
    const b = logLines((await run({ steps: 8, shuffle: true, task: masked, evalEvery: 4, seed: 7 })).log);
    const fixed = logLines((await run({ steps: 8, shuffle: true, evalEvery: 4, seed: 7 })).log);
    const timeless = (ls: typeof a): typeof a => ls.map(({ tokens_per_s: _seconds, ...rest }) => rest);
    expect(timeless(a)).toEqual(timeless(b));
    const losses = (ls: typeof a): unknown[] => ls.filter((l) => l.eval !== true).map((l) => l.loss);
    expect(losses(a)).not.toEqual(losses(fixed)); // same rows, other masks
    const steps = a.filter((l) => l.eval !== true);
    const evals = a.filter((l) => l.eval === true);
    expect(steps).toHaveLength(8);
    expect(evals.map((l) => l.step)).toEqual([4, 8]);
    for (const l of [...steps, ...evals]) for (const k of ["mlm_loss", "nsp_loss", "masked_accuracy", "nsp_accuracy"]) expect(typeof l[k]).toBe("number");
    const dir = mkdtempSync(join(tmpdir(), "bertkit-pt-plot-"));
    const { log } = await run({ steps: 8, shuffle: true, task: masked, evalEvery: 4, seed: 7 });
    const plotted = await plotTrainingLog(log, join(dir, "plot.svg"));
    expect(plotted).toEqual({ steps: 8, evals: 2, panels: ["loss", "masked-token accuracy", "learning rate"] });
  });
});
