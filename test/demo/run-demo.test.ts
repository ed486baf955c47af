/**
 * `runDemo` end to end on a tiny configuration (test/demo/helpers.ts: seconds, not the default run's minutes):
 * every stage prints its header and results, the summary and summary.json hold the expected parts, and the
 * folder holds the vocabulary, the model with its loss plot, and the fine-tuned models.
 * Then: the same seed gives the same run; an abort (Ctrl-C) ends the demo with a summary that says so; and the
 * "random weights" model shown before pre-training is exactly the one pre-training starts from (with a learning
 * rate of 0 nothing moves, so the two models must fill every mask alike).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configure } from "../../src/backend/configure.js";
import type { DemoSummary } from "../../src/demo/summary.js";
import { tmp } from "../cli/run-bin.js";
import { FILL_MASK_PROBES } from "../../src/demo/stages/fill-mask.js";
import { runDemo } from "../../src/demo/run-demo.js";
import { shortCorpusDir, tinyRun, tinyWith } from "./helpers.js";

describe("runDemo", () => {
  it("runs every stage on a tiny model and reports it", async () => {
    configure();
    const out = join(tmp("bertkit-demo-"), "demo");
    const { summary, lines } = await tinyRun(out);
    const text = lines.join("\n");
    const headers = lines.filter((l) => /^\d\/\d /.test(l));
    expect(headers.map((h) => h.slice(0, 4))).toEqual(["1/6 ", "2/6 ", "3/6 ", "4/6 ", "5/6 ", "6/6 "]);
    expect(headers[0]).toMatch(/^1\/6 Training a WordPiece vocabulary on 4 public-domain novels \(\d+ KB\)…$/);
    expect(text).toContain("→ [CLS] ");
    expect(text).toMatch(/random weights: +\S/);
    expect(text).toMatch(/after pre-training: +\S/);
    expect(text).toMatch(/held-out accuracy: [\d.]+% fine-tuned from the pre-trained model, [\d.]+% from random weights \(chance: 25%\)/);
    expect(text).toMatch(/held-out: exact match [\d.]+%, F1 [\d.]+%/);
    expect(text).toMatch(/\nSummary \([\d.]+ s in all\)\n/);
    expect(text).toContain(`loss plot: ${join(out, "model", "training.svg")}`);

    expect(summary.stages.map((s) => s.name)).toEqual(["vocabulary", "pre-training", "fill-mask", "sentence vectors", "classifier", "question answering"]);
    expect(summary.vocab?.size).toBe(300);
    expect(summary.pretraining?.steps).toBe(3);
    // "loss first → last" is the trainer's log: the first and last `averaged` step losses of log.jsonl.
    const log = readFileSync(join(out, "model", "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { loss: number });
    expect(summary.pretraining?.averaged).toBe(1);
    expect(summary.pretraining?.firstLoss).toBe(log[0].loss);
    expect(summary.pretraining?.lastLoss).toBe(log[2].loss);
    expect(text).toContain(`loss ${log[0].loss.toFixed(2)} → ${log[2].loss.toFixed(2)} (MLM + NSP, mean of the first and last step)`);
    expect(summary.fillMask).toHaveLength(FILL_MASK_PROBES.length);
    expect(summary.fillMask[0].guesses.map((g) => g.top.length)).toEqual([5, 5]);
    expect(summary.similarity[0].ranked).toHaveLength(4);
    expect(summary.classifier?.chance).toBe(25);
    expect(summary.qa?.f1).toBeGreaterThanOrEqual(0);
    expect(summary.interrupted).toBeNull();

    for (const file of ["vocab/vocab.txt", "model/config.json", "model/model.safetensors", "model/training.svg", "summary.json", "classifier/model/config.json", "qa/model/config.json"]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const saved = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as DemoSummary;
    expect(saved.fillMask).toEqual(summary.fillMask);
    expect(readFileSync(join(out, "classifier", "model", "config.json"), "utf8")).toContain('"Treasure Island"');
  }, 60_000);

  it("gives the same run for the same seed", async () => {
    configure();
    const a = await tinyRun(join(tmp("bertkit-demo-"), "a"), tinyWith({ steps: 2 }));
    const b = await tinyRun(join(tmp("bertkit-demo-"), "b"), tinyWith({ steps: 2 }));
    expect(b.summary.fillMask).toEqual(a.summary.fillMask);
    expect(b.summary.similarity).toEqual(a.summary.similarity);
    expect(b.summary.pretraining?.lastLoss).toBe(a.summary.pretraining?.lastLoss);
    expect(b.summary.classifier?.accuracy).toBe(a.summary.classifier?.accuracy);
  }, 60_000);

  it("stops at the training step where it is aborted (as on Ctrl-C), and says so", async () => {
    configure();
    const out = join(tmp("bertkit-demo-"), "stopped");
    const controller = new AbortController();
    controller.abort();
    const lines: string[] = [];
    const summary = await runDemo({ out, settings: tinyWith({ steps: 50 }), corpusDir: shortCorpusDir(), print: (l) => lines.push(l), progress: null, signal: controller.signal });
    expect(summary.interrupted).toBe("abort");
    expect(summary.stages.map((s) => s.name)).toEqual(["vocabulary", "pre-training"]);
    expect(summary.fillMask).toEqual([]);
    expect(lines.at(-1)).toBe(`  stopped by abort; what was done so far is in ${out} (run the demo again to start over)`);
    expect(existsSync(join(out, "model", "model.safetensors"))).toBe(false); // no final model: pre-training did not finish
  }, 60_000);

  it("shows as 'random weights' the very model pre-training starts from", async () => {
    configure();
    const { summary } = await tinyRun(join(tmp("bertkit-demo-"), "frozen"), tinyWith({ steps: 1, lr: 0, warmup: 0 }));
    for (const row of summary.fillMask) expect(row.guesses[1].top, row.text).toEqual(row.guesses[0].top);
  }, 60_000);
});
