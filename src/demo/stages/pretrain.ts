/**
 * Demo stage: pre-train a small BERT from random weights on the novels, as `bertkit prepare` + `bertkit pretrain`
 * do — rows of two text segments with 15% of the tokens masked (`prepareShards`), then masked-LM + next-sentence
 * prediction (`pretrain()`, which also plots the loss to training.svg). The untrained model it starts from is
 * rebuilt here from the same config and seed, so that the fill-mask stage can show "before" next to "after".
 */
import { join } from "node:path";
import { type BertConfig, makeConfig, writeConfig } from "../../bert/config.js";
import { BertForPreTraining } from "../../bert/heads/pretraining.js";
import { prepareShards } from "../../data/pretraining/prepare.js";
import { manualSeed } from "../../nn/random-state.js";
import { PLOT_FILE, pretrain } from "../../tasks/pretraining/pretrain.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { type DemoContext, DemoStopped, formatCount } from "../context.js";
import type { DemoCorpus } from "../corpus.js";
import { StepRecorder } from "../step-recorder.js";

export interface PretrainStageResult {
  /** The pre-trained model's folder (config.json, model.safetensors, tokenizer files, log.jsonl, training.svg). */
  dir: string;
  plot: string;
  log: string;
  config: BertConfig;
  /** The model pre-training started from (random weights), for comparison. */
  untrained: BertForPreTraining;
  rows: number;
  steps: number;
  /** Mean loss (MLM + NSP) of the first and of the last `averaged` steps. */
  firstLoss: number;
  lastLoss: number;
  /** Share of masked tokens predicted right, and of NSP labels, over the last steps (0–100). */
  maskedAccuracy: number;
  nspAccuracy: number;
  /** Steps in each mean: STEPS_AVERAGED, or half the run when it is shorter. */
  averaged: number;
}

/** Steps averaged for "loss first → last": single steps are noisy. */
export const STEPS_AVERAGED = 20;

/** The model's shape: BERT's, at the demo's size. */
export function demoConfig(ctx: DemoContext, vocabSize: number): BertConfig {
  const p = ctx.settings.pretrain;
  return makeConfig({
    architectures: ["BertForPreTraining"],
    vocab_size: vocabSize,
    hidden_size: p.hidden,
    num_hidden_layers: p.layers,
    num_attention_heads: p.heads,
    intermediate_size: 4 * p.hidden,
    max_position_embeddings: Math.max(128, p.seqLength),
    hidden_dropout_prob: p.dropout,
    attention_probs_dropout_prob: p.dropout,
  });
}

/** Millions of parameters, counted on a model. */
export function parameterCount(model: BertForPreTraining): number {
  return model.namedParameters().reduce((n, [, p]) => n + p.size, 0);
}

export interface PretrainStagePaths {
  vocab: string;
  shards: string;
  model: string;
}

export async function pretrainStage(ctx: DemoContext, corpus: DemoCorpus, tokenizer: BertTokenizer, paths: PretrainStagePaths): Promise<PretrainStageResult> {
  const p = ctx.settings.pretrain;
  const manifest = await prepareShards({
    files: corpus.files, tokenizer, outDir: paths.shards, maxSeqLength: p.seqLength,
    maxPredictions: Math.ceil(p.seqLength * p.maskedLmProb) + 1, maskedLmProb: p.maskedLmProb,
    dupeFactor: p.dupeFactor, seed: ctx.settings.seed,
    onWarning: (message) => ctx.print(`    note: ${message}`),
  });
  const config = demoConfig(ctx, tokenizer.vocab.size);
  const configFile = join(paths.shards, "config.json");
  writeConfig(configFile, config, "BertForPreTraining");
  // pretrain() seeds the default stream with the same seed before it builds its model: this is that model.
  manualSeed(ctx.settings.seed);
  const untrained = new BertForPreTraining(config);
  untrained.eval();
  ctx.print(`    ${manifest.rows.toLocaleString("en-US")} rows of ${p.seqLength} tokens (two text segments each, ${Math.round(100 * p.maskedLmProb)}% of tokens masked), ` +
    `${formatCount(manifest.stats.tokens)} word pieces`);
  ctx.print(`    model: ${p.layers} layer${p.layers === 1 ? "" : "s"}, hidden size ${p.hidden}, ${p.heads} attention heads, ${formatCount(parameterCount(untrained))} parameters; ` +
    `${p.steps} steps of ${p.batchSize} rows, learning rate ${p.lr}`);

  const recorder = new StepRecorder(ctx.progress, ["mlm_loss", "nsp_loss", "masked_accuracy"]);
  const result = await pretrain({
    data: [paths.shards], out: paths.model, config: configFile, vocab: paths.vocab,
    batchSize: p.batchSize, steps: p.steps, lr: p.lr, warmup: p.warmup, betas: [0.9, 0.98],
    seed: ctx.settings.seed, dynamicMasking: true, keep: 1, progress: recorder, signal: ctx.signal,
    warn: (line) => ctx.print(`    note: ${line}`),
  });
  if (result.interrupted !== null) throw new DemoStopped(result.interrupted);
  const n = Math.min(STEPS_AVERAGED, Math.max(1, Math.floor(recorder.steps.length / 2)));
  return {
    dir: result.model ?? paths.model,
    plot: join(paths.model, PLOT_FILE),
    log: result.log,
    config,
    untrained,
    rows: manifest.rows,
    steps: result.step,
    firstLoss: recorder.mean((l) => l.loss, n, "start"),
    lastLoss: recorder.mean((l) => l.loss, n, "end"),
    maskedAccuracy: 100 * recorder.mean((l) => l.metrics.masked_accuracy, n, "end"),
    nspAccuracy: 100 * recorder.mean((l) => l.metrics.nsp_accuracy, n, "end"),
    averaged: n,
  };
}
