/**
 * The training loop on a tiny MLP: gradient accumulation equals one big batch, the JSONL log (one line per
 * step, evaluation lines), train/eval modes, one-line errors for bad options and for a NaN loss.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { NonFiniteError } from "../../src/train/optimizer-step.js";
import type { StepLog } from "../../src/train/train-log.js";
import { ToyData, toyRun, weights } from "./fixtures/toy.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "bertkit-trainer-"));
const readLog = (path: string): Record<string, number | boolean>[] =>
  readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | boolean>);

describe("gradient accumulation", () => {
  it("two micro-batches of 4 give the same trajectory and weights as one batch of 8", async () => {
    const losses = (lines: StepLog[]): number[] => lines.map((l) => l.loss);
    const runs = [];
    for (const [batchSize, gradAccum] of [[8, 1], [4, 2]]) {
      const seen: StepLog[] = [];
      const run = await toyRun({ steps: 12, rows: 48, dropout: 0, batchSize, gradAccum, shuffle: true, progress: { step: (l) => seen.push(l) } });
      runs.push({ seen, w: weights(run.model) });
    }
    const [big, accumulated] = runs;
    expect(losses(accumulated.seen)).toHaveLength(12);
    losses(accumulated.seen).forEach((l, i) => expect(Math.abs(l - big.seen[i].loss)).toBeLessThan(1e-6));
    accumulated.seen.forEach((l, i) => {
      expect(Math.abs(l.grad_norm - big.seen[i].grad_norm)).toBeLessThan(1e-5);
      expect(l.metrics.accuracy).toBeCloseTo(big.seen[i].metrics.accuracy, 12);
    });
    let worst = 0;
    for (const [name, values] of Object.entries(big.w)) values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - accumulated.w[name][i]))));
    expect(worst).toBeLessThan(1e-6);
    // And it is not the same as training on 4 rows per step:
    const small = await toyRun({ steps: 12, rows: 48, dropout: 0, batchSize: 4, gradAccum: 1 });
    expect(Math.abs((small.result.last?.loss ?? 0) - (big.seen[11].loss))).toBeGreaterThan(1e-4);
  });
});

describe("the log", () => {
  it("has one line per step with loss, metrics, lr, grad_norm, tokens/s and epoch, and evaluation lines", async () => {
    const out = tmp();
    const evalData = new ToyData(10, 99);
    const { result } = await toyRun({ steps: 6, rows: 20, batchSize: 8, outDir: out, evalData, evalEvery: 3, evalBatchSize: 4 });
    const lines = readLog(join(out, "log.jsonl"));
    const train = lines.filter((l) => l.eval !== true);
    const evals = lines.filter((l) => l.eval === true);
    expect(train.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(train[0])).toEqual(["step", "loss", "accuracy", "lr", "grad_norm", "tokens_per_s", "epoch"]);
    expect(train[0].lr).toBe(0); // warm-up starts at 0: the lr logged is the one the step used
    expect(train[1].lr).toBeCloseTo(0.01 / 3, 12);
    expect(train.map((l) => l.epoch)).toEqual([0.4, 0.8, 1.2, 1.6, 2, 2.4]);
    for (const l of train) expect(l.tokens_per_s).toBeGreaterThan(0);
    expect(evals.map((l) => l.step)).toEqual([3, 6]);
    expect(Object.keys(evals[0])).toEqual(["eval", "step", "loss", "accuracy"]);
    expect(lines.indexOf(evals[0])).toBe(3); // right after step 3
    expect(result.lastEval?.step).toBe(6);
    expect(readdirSync(out).sort()).toEqual(["checkpoint-6", "log.jsonl"]); // the last step is always saved
  });

  it("evaluates in eval mode (dropout off, the same loss twice) and puts train mode back", async () => {
    const evalData = new ToyData(10, 99);
    const evals: number[] = [];
    const { model } = await toyRun({ steps: 2, rows: 20, batchSize: 4, dropout: 0.5, evalData, evalEvery: 1, progress: { eval: (e) => evals.push(e.loss) } });
    expect(model.training).toBe(true);
    expect(model.drop.training).toBe(true);
    const { evaluate } = await import("../../src/train/evaluate.js");
    const { toyTask } = await import("./fixtures/toy.js");
    const a = evaluate(model, toyTask, evalData, 3);
    const b = evaluate(model, toyTask, evalData, 10);
    expect(a.loss).toBeCloseTo(b.loss, 6); // no dropout noise, batch size does not matter
    expect(model.drop.training).toBe(true);
    expect(evals).toHaveLength(2);
  });
});

describe("errors", () => {
  it("a batch larger than the data is one line", async () => {
    await expect(toyRun({ steps: 2, rows: 5, batchSize: 6 })).rejects.toThrow(new InputError("batch size 6 is larger than the training data (5 rows); use a batch size ≤ 5"));
  });

  it("bad options are one line each", async () => {
    await expect(toyRun({ steps: 0, batchSize: 2 })).rejects.toThrow(/^steps must be a positive integer, got 0$/);
    await expect(toyRun({ steps: 2, batchSize: 2, gradAccum: 1.5 })).rejects.toThrow(/gradAccum must be a positive integer/);
    await expect(toyRun({ steps: 2, batchSize: 2, saveEvery: 1 })).rejects.toThrow(/need an output folder/);
    await expect(toyRun({ steps: 2, batchSize: 2, evalEvery: 1 })).rejects.toThrow(/evalEvery needs evaluation data/);
    await expect(toyRun({ steps: 2, batchSize: 2, seed: -1 })).rejects.toThrow(/seed must be an integer/);
  });

  it("a NaN loss stops with the step named, keeping the last good checkpoint and saving no poisoned one", async () => {
    const out = tmp();
    // 10 rows in order, batch 2: row 7 is in step 4 (rows 6, 7).
    const run = toyRun({ steps: 10, rows: 10, batchSize: 2, shuffle: false, poison: { nanLossRow: 7 }, outDir: out, saveEvery: 2 });
    const error = await run.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as Error).message).toBe(`training stopped at step 4: the loss is NaN; the last good checkpoint is ${join(out, "checkpoint-2")}`);
    expect(readdirSync(out).sort()).toEqual(["checkpoint-2", "log.jsonl"]);
    expect(readLog(join(out, "log.jsonl")).map((l) => l.step)).toEqual([1, 2, 3]);
  });

  it("a NaN gradient norm stops too", async () => {
    const seen: StepLog[] = [];
    const run = toyRun({ steps: 10, rows: 10, batchSize: 2, shuffle: false, poison: { nanFeatureRow: 4 }, progress: { step: (l) => seen.push(l) } });
    await expect(run).rejects.toThrow(/^training stopped at step 3: the gradient norm is NaN; no checkpoint was saved$/);
    expect(seen.map((l) => l.step)).toEqual([1, 2]);
  });

  it("a fresh run refuses an output folder that holds checkpoints", async () => {
    const out = tmp();
    await toyRun({ steps: 2, batchSize: 4, outDir: out });
    await expect(toyRun({ steps: 2, batchSize: 4, outDir: out })).rejects.toThrow(/already holds checkpoint-2; resume to continue that run/);
  });
});

describe("the output folder", () => {
  it("a file in the way is one line", async () => {
    const file = join(tmp(), "file");
    writeFileSync(file, "");
    await expect(toyRun({ steps: 2, batchSize: 4, outDir: file })).rejects.toThrow(/^outDir .* is a file, not a folder; give a folder path/);
  });
});
