/**
 * What fine-tuning asks of the trainer: batches grouped by row length (Hugging Face's group_by_length), whole-set
 * evaluation metrics merged into the evaluation line, and a hook after each evaluation; grouping is part of what
 * a resume must share.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { DataOrder, groupByLength, MEGA_BATCH_BATCHES } from "../../src/train/data-order.js";
import type { EvalLog } from "../../src/train/train-log.js";
import { ToyData, toyRun } from "./fixtures/toy.js";

describe("length grouping", () => {
  it("sorts each mega-batch of 50 batches longest first and keeps every row once", () => {
    const n = 1000;
    const lengths = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 97);
    const order = new DataOrder(n, true, 5, { epoch: 0, index: 0 }, { lengths, batchSize: 4 });
    const rows = order.next(n);
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    const mega = 4 * MEGA_BATCH_BATCHES;
    for (let start = 0; start < n; start += mega) {
      const part = rows.slice(start, start + mega).map((r) => lengths[r]);
      expect(part).toEqual([...part].sort((a, b) => b - a));
    }
    // The mega-batches are drawn from the shuffled order, so the first one is not simply the longest rows.
    const plain = new DataOrder(n, true, 5).next(mega);
    expect(new Set(rows.slice(0, mega))).toEqual(new Set(plain));
  });

  it("padding per batch drops against a plain shuffle", () => {
    const n = 2000;
    const lengths = Int32Array.from({ length: n }, (_, i) => 5 + ((i * 2654435761) >>> 0) % 120);
    const waste = (rows: number[]): number => {
      let w = 0;
      for (let i = 0; i < rows.length; i += 16) {
        const b = rows.slice(i, i + 16).map((r) => lengths[r]);
        w += b.length * Math.max(...b) - b.reduce((x, y) => x + y, 0);
      }
      return w;
    };
    const grouped = waste(new DataOrder(n, true, 1, undefined, { lengths, batchSize: 16 }).next(n));
    const plain = waste(new DataOrder(n, true, 1).next(n));
    expect(grouped).toBeLessThan(plain / 5);
  });

  it("groupByLength is stable for equal lengths and rejects a wrong number of lengths", () => {
    const order = Int32Array.from([3, 1, 2, 0]);
    expect(Array.from(groupByLength(order, { lengths: [5, 5, 5, 5], batchSize: 1 }))).toEqual([3, 1, 2, 0]);
    expect(() => new DataOrder(4, true, 1, undefined, { lengths: [1, 2], batchSize: 1 })).toThrow(/2 lengths for 4 rows/);
  });
});

describe("evaluation hooks", () => {
  it("merges evalMetrics into the evaluation line and calls onEval with it, in eval mode", async () => {
    const out = mkdtempSync(join(tmpdir(), "bertkit-hooks-"));
    const seen: EvalLog[] = [];
    const modes: boolean[] = [];
    await toyRun({
      steps: 4, rows: 20, batchSize: 5, outDir: out, evalData: new ToyData(10, 9), evalEvery: 2,
      evalMetrics: (m) => {
        modes.push(m.training);
        return { answer: 42 };
      },
      onEval: (e) => seen.push(e),
    });
    expect(modes).toEqual([false, false]);
    expect(seen.map((e) => [e.step, e.metrics.answer])).toEqual([[2, 42], [4, 42]]);
    const evalLines = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.eval === true);
    expect(evalLines[0]).toMatchObject({ step: 2, answer: 42 });
  });

  it("a resume must keep length grouping as the checkpoint had it", async () => {
    const out = mkdtempSync(join(tmpdir(), "bertkit-group-"));
    const lengths = Array.from({ length: 20 }, (_, i) => i % 7);
    await toyRun({ steps: 2, rows: 20, batchSize: 5, outDir: out, lengths });
    await expect(toyRun({ steps: 4, rows: 20, batchSize: 5, outDir: out, resume: true })).rejects.toThrow(/groupByLength false \(checkpoint: true\)/);
    const resumed = await toyRun({ steps: 4, rows: 20, batchSize: 5, outDir: out, resume: true, lengths });
    expect(resumed.result.step).toBe(4);
    await expect(toyRun({ steps: 2, rows: 20, batchSize: 5, lengths: [1, 2] })).rejects.toThrow(InputError);
    await expect(toyRun({ steps: 2, rows: 20, batchSize: 5, lengths, shuffle: false })).rejects.toThrow(/needs shuffling/);
  });
});
