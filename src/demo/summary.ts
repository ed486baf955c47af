/**
 * The demo's record (returned by runDemo and written to OUT/summary.json) and the closing summary printed from
 * it: time per stage, the pre-training loss first → last, and where the vocabulary, model and loss plot are.
 */
import { type DemoContext, formatSeconds } from "./context.js";
import type { FillMaskRow } from "./stages/fill-mask.js";
import type { SimilarityRow } from "./stages/similarity.js";

export interface PretrainingSummary {
  dir: string;
  plot: string;
  log: string;
  steps: number;
  rows: number;
  /** Mean loss (MLM + NSP) of the first and of the last `averaged` steps. */
  firstLoss: number;
  lastLoss: number;
  /** Over the last `averaged` steps, 0–100. */
  maskedAccuracy: number;
  nspAccuracy: number;
  averaged: number;
}

export interface DemoSummary {
  out: string;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
  stages: { name: string; seconds: number }[];
  corpus: { books: string[]; bytes: number };
  /** The vocabulary trained (null when a model was given). */
  vocab: { dir: string; size: number } | null;
  /** The pre-training run (null when a model was given). */
  pretraining: PretrainingSummary | null;
  /** The model the inference stages ran on. */
  model: string;
  fillMask: FillMaskRow[];
  similarity: SimilarityRow[];
  /** Held-out accuracy (0–100) fine-tuned from the model, from random weights, and by chance. */
  classifier: { dir: string; accuracy: number; baselineAccuracy: number; chance: number } | null;
  /** Held-out SQuAD exact match and F1 (0–100) on the toy set. */
  qa: { dir: string; exactMatch: number; f1: number } | null;
  /** Set when Ctrl-C stopped a training run (the demo ends after that run saved its checkpoint). */
  interrupted: string | null;
}

export function printSummary(ctx: DemoContext, s: DemoSummary): void {
  ctx.print(`\nSummary (${formatSeconds(s.seconds)} in all)`);
  const width = Math.max(...s.stages.map((st) => st.name.length));
  s.stages.forEach((st, i) => ctx.print(`  ${i + 1}. ${st.name.padEnd(width)}  ${formatSeconds(st.seconds).padStart(10)}`));
  if (s.vocab !== null) ctx.print(`  vocabulary: ${s.vocab.dir} (${s.vocab.size.toLocaleString("en-US")} word pieces)`);
  const p = s.pretraining;
  if (p !== null) {
    ctx.print(`  pre-training: ${p.steps} steps, loss ${p.firstLoss.toFixed(2)} → ${p.lastLoss.toFixed(2)} (MLM + NSP, mean of the first and last ${p.averaged === 1 ? "step" : `${p.averaged} steps`}); ` +
      `masked words right ${p.maskedAccuracy.toFixed(1)}%, next sentence right ${p.nspAccuracy.toFixed(1)}%`);
    ctx.print(`  loss plot: ${p.plot}`);
    ctx.print(`  training log: ${p.log}`);
  }
  if (s.interrupted !== null) {
    ctx.print(`  stopped by ${s.interrupted}; what was done so far is in ${s.out} (run the demo again to start over)`);
    return;
  }
  ctx.print(`  model: ${s.model} (a Hugging Face folder: config.json, model.safetensors, vocab.txt)`);
  const c = s.classifier;
  if (c !== null) {
    ctx.print(`  classifier: ${c.dir}; held-out accuracy ${c.accuracy.toFixed(1)}% (from random weights ${c.baselineAccuracy.toFixed(1)}%, chance ${c.chance.toFixed(0)}%)`);
  }
  if (s.qa !== null) ctx.print(`  question answering: ${s.qa.dir}; held-out exact match ${s.qa.exactMatch.toFixed(1)}%, F1 ${s.qa.f1.toFixed(1)}%`);
  ctx.print(`  try it: bertkit fill-mask --model ${s.model} "He opened the [MASK] and went out."`);
}
