/**
 * `evaluatePretraining`: a BertForPreTraining checkpoint on pre-training data (a shard folder or one shard
 * file), the numbers a pre-training run is judged by: MLM loss (mean cross-entropy over every predicted
 * token), perplexity = exp(MLM loss), masked-token accuracy, NSP loss and accuracy. The masks are the data's
 * own (static), so two models evaluated on the same shards see the same questions.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { BertForPreTraining } from "../bert/heads/pretraining.js";
import { loadPretrained } from "../bert/pretrained.js";
import { openShards, type OpenShardsOptions, type PretrainingBatch } from "../data/pretraining/shard-dataset.js";
import { pretrainingStep } from "../tasks/pretraining/pretraining-task.js";
import { noGrad } from "../tensor/autograd.js";
import { scope } from "../tensor/scope.js";
import { loadTokenizer } from "../tokenizer/model-folder.js";

export interface PretrainingEvaluation {
  /** Mean MLM cross-entropy over all predicted tokens. */
  mlmLoss: number;
  /** exp(mlmLoss). */
  perplexity: number;
  /** Share (0–1) of predicted tokens whose highest logit is the label. */
  maskedAccuracy: number;
  /** Mean NSP cross-entropy over rows. */
  nspLoss: number;
  /** Share (0–1) of rows whose next-sentence prediction is right. */
  nspAccuracy: number;
  rows: number;
  /** Predicted positions (labels ≠ −100) over all rows. */
  maskedTokens: number;
}

/** What evaluation needs of a data set: rows collated into batches (a ShardDataset, or any Dataset<PretrainingBatch>). */
export interface PretrainingRows {
  readonly size: number;
  batch(rows: readonly number[]): PretrainingBatch;
}

/**
 * Runs `model` (in eval mode, no autograd) over every row of `data` in order, `batchSize` rows at a time, and
 * averages each batch's numbers by their weights: the loss over predicted tokens, NSP over rows.
 */
export function evaluatePretrainingModel(model: BertForPreTraining, data: PretrainingRows, batchSize = 8, source = "the data"): PretrainingEvaluation {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be an integer ≥ 1, got ${batchSize}`);
  if (data.size === 0) throw new InputError(`${source} has no rows; nothing to evaluate`);
  const wasTraining = model.training;
  model.eval();
  const sums = { mlm: 0, masked: 0, correct: 0, nsp: 0, nspCorrect: 0, rows: 0 };
  try {
    for (let start = 0; start < data.size; start += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
      const m = scope(() => noGrad(() => pretrainingStep(model, data.batch(rows)).metrics));
      sums.mlm += m.mlm_loss.value * m.mlm_loss.weight;
      sums.masked += m.masked_accuracy.weight;
      sums.correct += m.masked_accuracy.value * m.masked_accuracy.weight;
      sums.nsp += m.nsp_loss.value * m.nsp_loss.weight;
      sums.nspCorrect += m.nsp_accuracy.value * m.nsp_accuracy.weight;
      sums.rows += m.nsp_accuracy.weight;
    }
  } finally {
    if (wasTraining) model.train();
  }
  if (sums.masked === 0) throw new InputError(`${source} has no predicted positions (every label is -100); nothing to evaluate`);
  const mlmLoss = sums.mlm / sums.masked;
  return {
    mlmLoss,
    perplexity: Math.exp(mlmLoss),
    maskedAccuracy: sums.correct / sums.masked,
    nspLoss: sums.nsp / sums.rows,
    nspAccuracy: sums.nspCorrect / sums.rows,
    rows: sums.rows,
    maskedTokens: Math.round(sums.masked),
  };
}

export interface EvaluatePretrainingOptions {
  /** Model folder: config.json + model.safetensors with the MLM and NSP heads (+ its vocabulary, if it has one). */
  model: string;
  /** A shard folder (manifest.json + shards) or one safetensors file of shard tensors. */
  data: string;
  /** Rows per forward pass (default 8). */
  batchSize?: number;
}

/** The model's vocabulary for the shards' check: its tokenizer's when the folder has one, else only its size. */
async function vocabularyOf(dir: string, vocabSize: number): Promise<OpenShardsOptions> {
  if (!existsSync(join(dir, "tokenizer.json")) && !existsSync(join(dir, "vocab.txt"))) return { vocabSize };
  const tokenizer = await loadTokenizer(dir);
  return { vocab: { tokens: tokenizer.vocab.tokens, source: dir } };
}

/** Loads the model folder and the data, checks that they belong together, and evaluates. */
export async function evaluatePretraining(o: EvaluatePretrainingOptions): Promise<PretrainingEvaluation> {
  const { model, config, report } = loadPretrained(o.model, { architecture: BertForPreTraining.architecture });
  if (report.newlyInitialized.length > 0 || !(model instanceof BertForPreTraining)) {
    throw new InputError(
      `${o.model} has no pre-training heads (it lacks ${report.newlyInitialized.slice(0, 3).join(", ")}${report.newlyInitialized.length > 3 ? ", …" : ""}); ` +
        "evaluating pre-training needs a BertForPreTraining checkpoint (MLM and NSP heads)",
    );
  }
  const data = openShards(o.data, await vocabularyOf(o.model, config.vocab_size));
  if (data.seqLength > config.max_position_embeddings) {
    throw new InputError(`${o.data} has rows of ${data.seqLength} tokens but ${o.model} has ${config.max_position_embeddings} positions`);
  }
  return evaluatePretrainingModel(model, data, o.batchSize ?? 8, o.data);
}
