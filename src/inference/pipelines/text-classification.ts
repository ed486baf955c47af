/**
 * The text-classification pipeline: texts (or pairs of texts) → labels with scores, as Hugging Face
 * `transformers`' `pipeline("text-classification")` gives them.
 *
 * - Scores: softmax over the logits for single-label models (num_labels > 1), sigmoid for multi-label models
 *   and for a single output, the raw logit for regression — unless `functionToApply` says otherwise.
 * - `topK` (default 1): the best k labels by score, highest first (ties keep label-id order); null: all labels.
 * - Label names: config.json's id2label, else LABEL_i.
 *
 * One difference: a text longer than the model's positions is truncated to fit (pairs: the longer text
 * first) instead of failing inside the model, as Hugging Face's pipeline does without `truncation=True`.
 * Inputs are batched by length (little padding); results come back in input order.
 */
import type { AnyBertModel, ArchitectureName } from "../../bert/architectures.js";
import { type BertConfig, labelNames, numLabels } from "../../bert/config.js";
import { BertForSequenceClassification } from "../../bert/heads/sequence-classification.js";
import { loadPretrained, newlyInitializedWarning } from "../../bert/pretrained.js";
import { collate } from "../../data/collate.js";
import { InputError } from "../../errors.js";
import { noGrad } from "../../tensor/autograd.js";
import { scope } from "../../tensor/scope.js";
import type { Encoding } from "../../tokenizer/encoding.js";
import { loadTokenizer } from "../../tokenizer/model-folder.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import { inBatches, loadPipelineModel, type PipelineLoadOptions, type PipelineModel } from "./load.js";
import { SCORE_FUNCTIONS, type ScoreFunction } from "./score-functions.js";

export interface TextPair {
  text: string;
  textPair: string;
}

export type TextClassificationInput = string | TextPair;

export { SCORE_FUNCTIONS, type ScoreFunction } from "./score-functions.js";

export interface TextClassificationOptions {
  /** How many labels per input, best first (default 1); null: every label. */
  topK?: number | null;
  /** Default: by the model's problem type (see the header). */
  functionToApply?: ScoreFunction;
  /** Inputs per forward pass (default 32). */
  batchSize?: number;
}

export interface LabelScore {
  label: string;
  score: number;
}

const DEFAULT_BATCH_SIZE = 32;

/** The function Hugging Face applies to this model's logits when none is asked for. */
export function defaultScoreFunction(config: BertConfig): ScoreFunction {
  if (config.problem_type === "regression") return "none";
  if (config.problem_type === "multi_label_classification" || numLabels(config) === 1) return "sigmoid";
  return "softmax";
}

/** Scores of one row of logits. */
export function applyScoreFunction(logits: ArrayLike<number>, fn: ScoreFunction): number[] {
  const values = Array.from(logits);
  if (fn === "none") return values;
  if (fn === "sigmoid") return values.map((x) => 1 / (1 + Math.exp(-x)));
  const max = Math.max(...values); // shifted by the maximum so that exp never overflows
  const exps = values.map((x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Labels with their scores, highest first (a stable sort: ties keep id order), the first `topK` (null: all). */
export function rankLabels(scores: readonly number[], names: readonly string[], topK: number | null): LabelScore[] {
  const ranked = scores.map((score, i) => ({ label: names[i], score })).sort((a, b) => b.score - a.score);
  return topK === null ? ranked : ranked.slice(0, topK);
}

function checkInput(input: unknown, i: number): TextClassificationInput {
  if (typeof input === "string") return input;
  if (typeof input === "object" && input !== null && "text" in input && "textPair" in input && typeof input.text === "string" && typeof input.textPair === "string") {
    return { text: input.text, textPair: input.textPair };
  }
  throw new InputError(`text-classification input ${i + 1} is ${JSON.stringify(input)}; give a string or a pair {text: "…", textPair: "…"}`);
}

function checkTopK(topK: number | null): void {
  if (topK !== null && (!Number.isInteger(topK) || topK < 1)) throw new InputError(`topK must be a positive integer or null (every label), got ${topK}`);
}

export interface LoadPipelineOptions extends PipelineLoadOptions {
  /** A tokenizer folder, tokenizer.json or vocab.txt, for a model folder that has none. */
  tokenizer?: string;
}

/** loadPipelineModel, with the tokenizer from `options.tokenizer` when given. */
export async function loadWithTokenizer<M extends AnyBertModel>(
  dir: string, architecture: ArchitectureName, isModel: (m: AnyBertModel) => m is M, options: LoadPipelineOptions,
): Promise<PipelineModel<M>> {
  if (options.tokenizer === undefined) return loadPipelineModel(dir, architecture, isModel, options);
  const tokenizer = await loadTokenizer(options.tokenizer);
  const loaded = loadPretrained(dir, { architecture, dtype: options.dtype });
  if (!isModel(loaded.model)) throw new InputError(`${dir}: expected a ${architecture}, got ${loaded.architecture}`);
  if (loaded.config.vocab_size < tokenizer.vocab.size) {
    throw new InputError(`${options.tokenizer}: the tokenizer has ${tokenizer.vocab.size} tokens but the model in ${dir} only ${loaded.config.vocab_size}; use the tokenizer the model was trained with`);
  }
  loaded.model.eval();
  return { model: loaded.model, tokenizer, config: loaded.config, dir, warning: newlyInitializedWarning(loaded, dir) };
}

function isClassifier(m: AnyBertModel): m is BertForSequenceClassification {
  return m instanceof BertForSequenceClassification;
}

export class TextClassificationPipeline {
  readonly model: BertForSequenceClassification;
  readonly tokenizer: BertTokenizer;
  readonly config: BertConfig;
  /** Hugging Face's "newly initialized" warning when the folder had no classifier head, else null. */
  readonly warning: string | null;
  /** Label names by id. */
  readonly labels: readonly string[];
  /** Longest encoding the model takes. */
  readonly maxLength: number;

  private constructor(parts: PipelineModel<BertForSequenceClassification>) {
    this.model = parts.model;
    this.tokenizer = parts.tokenizer;
    this.config = parts.config;
    this.warning = parts.warning;
    this.labels = labelNames(parts.config);
    this.maxLength = Math.min(parts.config.max_position_embeddings, parts.tokenizer.modelMaxLength ?? Infinity);
  }

  /** A Hugging Face folder with a sequence-classification model and its tokenizer (or the tokenizer from elsewhere). */
  static async load(dir: string, options: LoadPipelineOptions = {}): Promise<TextClassificationPipeline> {
    return new TextClassificationPipeline(await loadWithTokenizer(dir, "BertForSequenceClassification", isClassifier, options));
  }

  /** A model and tokenizer loaded elsewhere (e.g. a folder without tokenizer files plus a vocab.txt). */
  static fromParts(parts: PipelineModel<BertForSequenceClassification>): TextClassificationPipeline {
    parts.model.eval();
    return new TextClassificationPipeline(parts);
  }

  /** (N, num_labels) logits of the inputs, one Float32Array per input, in input order. */
  logits(inputs: readonly TextClassificationInput[], batchSize = DEFAULT_BATCH_SIZE): Float32Array[] {
    const checked = inputs.map((input, i) => checkInput(input, i));
    const options = { maxLength: this.maxLength, truncation: "longest_first", padding: false } as const;
    const encodings: Encoding[] = checked.map((x) => typeof x === "string" ? this.tokenizer.encode(x, null, options) : this.tokenizer.encode(x.text, x.textPair, options));
    const order = encodings.map((_, i) => i).sort((a, b) => encodings[a].length - encodings[b].length);
    const padId = this.tokenizer.specialTokenId("pad");
    const width = numLabels(this.config);
    const sorted = inBatches(order, batchSize, (rows) => scope(() => noGrad(() => {
      const logits = this.model.forward(collate(rows.map((r) => encodings[r]), { padId })).logits.floats("text-classification"); // (B, L)
      return rows.map((_, i) => Float32Array.from(logits.subarray(i * width, (i + 1) * width)));
    })));
    const out = new Array<Float32Array>(inputs.length);
    order.forEach((r, k) => (out[r] = sorted[k]));
    return out;
  }

  /** Labels and scores of each input (see the header for the options). */
  run(inputs: readonly TextClassificationInput[], options: TextClassificationOptions = {}): LabelScore[][] {
    const topK = options.topK === undefined ? 1 : options.topK;
    checkTopK(topK);
    const fn = options.functionToApply ?? defaultScoreFunction(this.config);
    if (!SCORE_FUNCTIONS.includes(fn)) throw new InputError(`functionToApply must be one of ${SCORE_FUNCTIONS.join(", ")}, got ${JSON.stringify(fn)}`);
    return this.logits(inputs, options.batchSize ?? DEFAULT_BATCH_SIZE).map((row) => rankLabels(applyScoreFunction(row, fn), this.labels, topK));
  }
}
