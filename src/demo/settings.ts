/**
 * The numbers the demo runs with, in one place: the default run (a few minutes on two cores) and `--quick` (well
 * under a minute; the tests use it). The default sizes were found by measurement — the largest model, vocabulary
 * and step count whose pre-training fits the time budget on a 2-core machine while giving fill-mask predictions
 * that are recognisably words of the right kind (docs/demo.md has the measurements).
 */
import { InputError } from "../errors.js";

export interface PretrainSettings {
  vocabSize: number;
  /** Tokens per pre-training row, [CLS] and [SEP]s included. */
  seqLength: number;
  /**
   * Share of a row's tokens that are masked and predicted. BERT's is 0.15; the default run masks 0.25, which gives
   * a model trained this briefly more to learn from per step (measured: lower loss at the same step count).
   */
  maskedLmProb: number;
  /** Passes over the corpus when the rows are made, each with its own pairs and masks. */
  dupeFactor: number;
  layers: number;
  hidden: number;
  heads: number;
  batchSize: number;
  steps: number;
  lr: number;
  warmup: number;
  /** Hidden and attention dropout; 0 for a run this short (dropout only slows learning that has barely begun). */
  dropout: number;
}

export interface FinetuneSettings {
  /** Training examples per class (classifier) or in all (QA). */
  trainExamples: number;
  evalExamples: number;
  epochs: number;
  batchSize: number;
  lr: number;
  maxLength: number;
}

export interface QaSettings extends FinetuneSettings {
  /** Context tokens shared by consecutive windows of a long paragraph. */
  docStride: number;
  /** Questions are cut to this many tokens. */
  maxQueryLength: number;
}

export interface DemoSettings {
  pretrain: PretrainSettings;
  classifier: FinetuneSettings;
  qa: QaSettings;
  /** Seeds the vocabulary's data, masks, initialisation, data order and the fine-tuning sets. */
  seed: number;
}

export const DEFAULT_SETTINGS: DemoSettings = {
  pretrain: {
    vocabSize: 4000, seqLength: 32, maskedLmProb: 0.25, dupeFactor: 2,
    layers: 2, hidden: 128, heads: 2, batchSize: 32, steps: 2400, lr: 2e-3, warmup: 60, dropout: 0,
  },
  classifier: { trainExamples: 200, evalExamples: 50, epochs: 2, batchSize: 16, lr: 1e-3, maxLength: 64 },
  qa: { trainExamples: 400, evalExamples: 100, epochs: 2, batchSize: 16, lr: 1e-3, maxLength: 128, docStride: 32, maxQueryLength: 32 },
  seed: 42,
};

export const QUICK_SETTINGS: DemoSettings = {
  pretrain: {
    vocabSize: 1000, seqLength: 32, maskedLmProb: 0.15, dupeFactor: 1,
    layers: 1, hidden: 32, heads: 2, batchSize: 8, steps: 20, lr: 2e-3, warmup: 2, dropout: 0,
  },
  classifier: { trainExamples: 16, evalExamples: 8, epochs: 1, batchSize: 8, lr: 1e-3, maxLength: 32 },
  qa: { trainExamples: 16, evalExamples: 8, epochs: 1, batchSize: 8, lr: 1e-3, maxLength: 64, docStride: 16, maxQueryLength: 24 },
  seed: 42,
};

/** The settings of a run: `--quick` or the default, then `steps` and `seed` when given. */
export function demoSettings(o: { quick?: boolean; steps?: number; seed?: number }): DemoSettings {
  const base = o.quick === true ? QUICK_SETTINGS : DEFAULT_SETTINGS;
  if (o.steps !== undefined && (!Number.isInteger(o.steps) || o.steps < 1)) throw new InputError(`steps must be a positive integer, got ${o.steps}`);
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 2 ** 32 - 1)) {
    throw new InputError(`seed must be an integer from 0 to 4294967295, got ${o.seed}`);
  }
  const steps = o.steps ?? base.pretrain.steps;
  // Warm-up stays a small part of a shortened run.
  const warmup = Math.min(base.pretrain.warmup, Math.floor(steps / 10));
  return { ...base, pretrain: { ...base.pretrain, steps, warmup }, seed: o.seed ?? base.seed };
}
