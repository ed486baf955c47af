/**
 * Exact resume in one process: a run stopped part-way (by its AbortSignal, or by a crash after its last
 * checkpoint) and resumed logs the same losses and ends with the same weights, bit for bit, as one that was
 * never stopped — with dropout, shuffling, augmentation noise, gradient accumulation and many epoch boundaries.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toyRun, weights, type ToyRunOptions } from "./fixtures/toy.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "bertkit-resume-"));
/** Log lines without the one field that depends on the clock. */
const logOf = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => {
    const { tokens_per_s: _t, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });

// 20 rows, 2 × 6 per step: every step but a few crosses or ends an epoch somewhere; 30 steps ≈ 18 epochs.
const RUN: ToyRunOptions = { steps: 30, rows: 20, batchSize: 6, gradAccum: 2, dropout: 0.3, noisy: true, shuffle: true, seed: 5 };

async function uninterrupted(): Promise<{ dir: string; w: Record<string, number[]> }> {
  const dir = tmp();
  const { model } = await toyRun({ ...RUN, outDir: dir, saveEvery: 10 });
  return { dir, w: weights(model) };
}

describe("exact resume", () => {
  it("after an interrupt: same log and bit-identical weights, optimizer state and files", async () => {
    const base = await uninterrupted();
    const dir = tmp();
    const stop = new AbortController();
    const first = await toyRun({ ...RUN, outDir: dir, saveEvery: 4, signal: stop.signal, progress: { step: (l) => l.step === 13 && stop.abort() } });
    expect(first.result.interrupted).toBe("abort");
    expect(first.result.step).toBe(13);
    expect(readdirSync(dir).filter((n) => n.startsWith("checkpoint-")).sort()).toEqual(["checkpoint-12", "checkpoint-13", "checkpoint-4", "checkpoint-8"]);
    const second = await toyRun({ ...RUN, outDir: dir, saveEvery: 4, resume: true });
    expect(second.result.resumedFrom).toBe(join(dir, "checkpoint-13"));
    expect(second.result.interrupted).toBeNull();
    expect(logOf(dir)).toEqual(logOf(base.dir));
    expect(weights(second.model)).toEqual(base.w);
    for (const file of ["model.safetensors", "optimizer.safetensors"]) {
      expect(readFileSync(join(dir, "checkpoint-30", file)).equals(readFileSync(join(base.dir, "checkpoint-30", file))), file).toBe(true);
    }
  });

  it("after a crash: the log is cut back to the checkpoint, then goes on as if nothing happened", async () => {
    const base = await uninterrupted();
    const dir = tmp();
    const crash = toyRun({ ...RUN, outDir: dir, saveEvery: 4, progress: { step: (l) => { if (l.step === 15) throw new Error("crash"); } } });
    await expect(crash).rejects.toThrow("crash");
    expect(logOf(dir).map((l) => l.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    writeFileSync(join(dir, "log.jsonl"), readFileSync(join(dir, "log.jsonl"), "utf8") + '{"step":16,"lo'); // a line cut short
    const resumed = await toyRun({ ...RUN, outDir: dir, saveEvery: 4, resume: true });
    expect(resumed.result.resumedFrom).toBe(join(dir, "checkpoint-12"));
    expect(logOf(dir)).toEqual(logOf(base.dir));
    expect(weights(resumed.model)).toEqual(base.w);
  });

  it("with evaluation lines, and without shuffling (rows in order, wrapping around)", async () => {
    const { ToyData } = await import("./fixtures/toy.js");
    const opts: ToyRunOptions = { ...RUN, shuffle: false, steps: 12, evalData: new ToyData(7, 3), evalEvery: 5, evalBatchSize: 3 };
    const baseDir = tmp();
    const base = await toyRun({ ...opts, outDir: baseDir });
    const dir = tmp();
    const stop = new AbortController();
    await toyRun({ ...opts, outDir: dir, signal: stop.signal, progress: { step: (l) => l.step === 7 && stop.abort() } });
    const resumed = await toyRun({ ...opts, outDir: dir, resume: true });
    const log = logOf(dir);
    expect(log.filter((l) => l.eval === true).map((l) => l.step)).toEqual([5, 10]);
    expect(log).toEqual(logOf(baseDir));
    expect(weights(resumed.model)).toEqual(weights(base.model));
  });

  it("a finished run resumed does nothing; a run with nothing saved starts afresh", async () => {
    const base = await uninterrupted();
    const again = await toyRun({ ...RUN, outDir: base.dir, resume: true });
    expect(again.result.step).toBe(30);
    expect(again.result.timing.steps).toBe(0);
    expect(weights(again.model)).toEqual(base.w);
    const empty = tmp();
    const fresh = await toyRun({ ...RUN, outDir: empty, resume: true });
    expect(fresh.result.resumedFrom).toBeNull();
    expect(weights(fresh.model)).toEqual(base.w);
  });

  it("refuses to resume with another batch size, accumulation, seed or data", async () => {
    const dir = tmp();
    await toyRun({ ...RUN, steps: 3, outDir: dir });
    await expect(toyRun({ ...RUN, steps: 6, outDir: dir, resume: true, batchSize: 5, seed: 6 })).rejects.toThrow(
      new RegExp(`^cannot resume from ${join(dir, "checkpoint-3")}: batchSize 5 \\(checkpoint: 6\\), seed 6 \\(checkpoint: 5\\); use the checkpoint's settings or start in a new output folder$`),
    );
    await expect(toyRun({ ...RUN, steps: 6, outDir: dir, resume: true, rows: 21 })).rejects.toThrow(/training data of 21 rows \(checkpoint: 20\)/);
  });
});

describe("checkpoint folders", () => {
  it("a leftover temporary folder and a folder without its marker are not checkpoints", async () => {
    const dir = tmp();
    await toyRun({ ...RUN, steps: 10, outDir: dir, saveEvery: 5 });
    // A save killed before its rename (pid 4194305 is above Linux's pid_max: that process cannot be alive) …
    cpSync(join(dir, "checkpoint-10"), join(dir, "checkpoint-12.tmp-4194305"), { recursive: true });
    // … a folder whose marker never came, and one whose marker is cut short.
    cpSync(join(dir, "checkpoint-10"), join(dir, "checkpoint-14"), { recursive: true });
    writeFileSync(join(dir, "checkpoint-14", "trainer_state.json"), '{"format":"bertkit-trainer-st');
    mkdirSync(join(dir, "checkpoint-16"));
    writeFileSync(join(dir, "checkpoint-16", "model.safetensors"), "");
    const resumed = await toyRun({ ...RUN, steps: 14, outDir: dir, saveEvery: 5, resume: true });
    expect(resumed.result.resumedFrom).toBe(join(dir, "checkpoint-10"));
    expect(existsSync(join(dir, "checkpoint-12.tmp-4194305"))).toBe(false); // cleaned up
    const state = JSON.parse(readFileSync(join(dir, "checkpoint-14", "trainer_state.json"), "utf8")) as { step: number };
    expect(state.step).toBe(14); // the broken folder was replaced by the real one
  });

  it("keep N keeps the newest N complete checkpoints", async () => {
    const dir = tmp();
    await toyRun({ ...RUN, steps: 9, outDir: dir, saveEvery: 2, keep: 2 });
    expect(readdirSync(dir).sort()).toEqual(["checkpoint-8", "checkpoint-9", "log.jsonl"]);
    const files = readdirSync(join(dir, "checkpoint-9")).sort();
    expect(files).toEqual(["model.safetensors", "optimizer.safetensors", "trainer_state.json"]);
    const state = JSON.parse(readFileSync(join(dir, "checkpoint-9", "trainer_state.json"), "utf8")) as Record<string, unknown>;
    expect(state).toMatchObject({
      format: "bertkit-trainer-state", version: 1, step: 9, tokens: 9 * 12 * 8, data: { size: 20, epoch: 5, index: 8 },
      options: { batchSize: 6, gradAccum: 2, seed: 5, shuffle: true }, optimizer: { file: "optimizer.safetensors", step: 9 },
    });
  });
});
