/**
 * Demo stage: fine-tuning. A classification head on the pre-trained encoder learns "which book is this sentence
 * from?" (classifier-data.ts) with `finetune()` — the same run as `bertkit finetune classification` — and is
 * scored on held-out sentences; the same architecture trained from random weights on the same data is the
 * baseline that shows what pre-training is worth. A few held-out sentences are then classified with the
 * text-classification pipeline.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { TextClassificationPipeline } from "../../inference/pipelines/text-classification.js";
import { classificationSpec } from "../../tasks/finetune/classification/spec.js";
import { finetune } from "../../tasks/finetune/finetune.js";
import { type DemoContext, DemoStopped, formatPercent } from "../context.js";
import type { BookText } from "../book-text.js";
import { bookSentenceSets, writeJsonLines } from "../classifier-data.js";
import { StepRecorder } from "../step-recorder.js";

export interface ClassifierStageResult {
  dir: string;
  trainExamples: number;
  evalExamples: number;
  /** Held-out accuracy (0–100) of the fine-tuned model and of the same model trained from random weights. */
  accuracy: number;
  baselineAccuracy: number;
  /** 100 / number of books. */
  chance: number;
}

/** Held-out sentences classified in the output. */
const SHOWN = 4;

async function trainClassifier(ctx: DemoContext, model: string, files: { train: string; eval: string }, out: string, randomInit: boolean): Promise<number> {
  const c = ctx.settings.classifier;
  const recorder = new StepRecorder(ctx.progress, ["accuracy"]);
  const result = await finetune(classificationSpec({ maxLength: c.maxLength }), {
    model, train: files.train, eval: files.eval, out, epochs: c.epochs, lr: c.lr, batchSize: c.batchSize, warmupRatio: 0.1,
    seed: ctx.settings.seed, randomInit, keep: 1, progress: recorder, signal: ctx.signal, note: () => undefined,
  });
  if (result.interrupted !== null) throw new DemoStopped(result.interrupted);
  return result.best?.metrics.accuracy ?? Number.NaN;
}

export async function classifierStage(ctx: DemoContext, books: readonly BookText[], pretrained: string, out: string): Promise<ClassifierStageResult> {
  const c = ctx.settings.classifier;
  const sets = bookSentenceSets(books, c.trainExamples, c.evalExamples, ctx.settings.seed);
  const dataDir = join(out, "data");
  mkdirSync(dataDir, { recursive: true });
  const files = { train: join(dataDir, "train.jsonl"), eval: join(dataDir, "eval.jsonl") };
  writeJsonLines(files.train, sets.train);
  writeJsonLines(files.eval, sets.eval);
  ctx.print(`    ${sets.train.length} training and ${sets.eval.length} held-out sentences, ${c.trainExamples} and ${c.evalExamples} from each book → ${dataDir}`);
  ctx.print(`    ${c.epochs} epoch${c.epochs === 1 ? "" : "s"}, batches of ${c.batchSize}, learning rate ${c.lr}; once from the pre-trained model, once from random weights`);
  const dir = join(out, "model");
  const accuracy = await trainClassifier(ctx, pretrained, files, dir, false);
  const baselineAccuracy = await trainClassifier(ctx, pretrained, files, join(out, "from-random-weights"), true);
  const chance = 100 / books.length;
  ctx.print(`    held-out accuracy: ${accuracy.toFixed(1)}% fine-tuned from the pre-trained model, ${baselineAccuracy.toFixed(1)}% from random weights (chance: ${chance.toFixed(0)}%)`);

  const classify = await TextClassificationPipeline.load(dir);
  const shown = sets.eval.slice(0, SHOWN);
  const predictions = classify.run(shown.map((s) => s.sentence));
  shown.forEach((s, i) => {
    const best = predictions[i][0];
    const mark = best.label === s.label ? "right" : `wrong: ${s.label}`;
    ctx.print(`    "${s.sentence}"`);
    ctx.print(`      → ${best.label} ${formatPercent(best.score)} (${mark})`);
  });
  return { dir, trainExamples: sets.train.length, evalExamples: sets.eval.length, accuracy, baselineAccuracy, chance };
}
