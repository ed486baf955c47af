/**
 * Classification examples → training rows: each text (or pair) encoded once with [CLS]/[SEP], truncated to
 * `maxLength` tokens (pairs: the longer text loses tokens first, Hugging Face's "longest_first"); a batch
 * pads its rows to the longest of them (dynamic padding) and stacks their targets.
 *
 * Targets by problem type: single-label → (B) int32 class ids; multi-label → (B, L) float32 multi-hot;
 * regression → (B) float32 values.
 */
import { type BertConfig, labelNames } from "../../../bert/config.js";
import type { ProblemType } from "../../../bert/heads/sequence-classification.js";
import { type CollatedBatch, collate } from "../../../data/collate.js";
import { LabelIndex } from "../../../data/finetune/labels.js";
import { InputError } from "../../../errors.js";
import { Tensor } from "../../../tensor/tensor.js";
import type { Encoding } from "../../../tokenizer/encoding.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import type { FinetuneDataset } from "../spec.js";
import { type ClassificationExamples, labelsFor } from "./examples.js";

export interface ClassificationBatch extends CollatedBatch {
  /** (B) int32 class ids; (B, L) float32 multi-hot; (B) float32 regression values. */
  labels: Tensor;
}

/** Every example's target, flat: ids, multi-hot rows (N × L) or values. */
export interface ClassificationTargets {
  problem: ProblemType;
  /** Values per example: 1, or L for multi-hot rows. */
  width: number;
  values: Int32Array | Float32Array;
}

export interface ClassificationDataset extends FinetuneDataset<ClassificationBatch> {
  readonly encodings: readonly Encoding[];
  readonly targets: ClassificationTargets;
}

/** The examples' targets in the model's label ids. */
export function targetsFor(examples: ClassificationExamples, config: BertConfig, asked?: ProblemType): ClassificationTargets {
  const labels = labelsFor(examples, config, asked);
  const source = (i: number): { file: string; line: number } => ({ file: examples.file, line: examples.lines[i] });
  switch (labels.problem) {
    case "regression":
      return { problem: labels.problem, width: 1, values: Float32Array.from(labels.values) };
    case "single_label_classification": {
      const index = new LabelIndex(labelNames(config));
      return { problem: labels.problem, width: 1, values: Int32Array.from(labels.names, (n, i) => index.id(n, source(i))) };
    }
    case "multi_label_classification": {
      const index = new LabelIndex(labelNames(config));
      const hot = new Float32Array(labels.names.length * index.size);
      labels.names.forEach((names, i) => names.forEach((n) => (hot[i * index.size + index.id(n, source(i))] = 1)));
      return { problem: labels.problem, width: index.size, values: hot };
    }
  }
}

/** Checks a maximum length against the model's positions. */
export function checkMaxLength(maxLength: number, config: BertConfig): void {
  if (!Number.isInteger(maxLength) || maxLength < 3) throw new InputError(`the maximum length must be an integer ≥ 3 ([CLS] text [SEP]), got ${maxLength}`);
  if (maxLength > config.max_position_embeddings) {
    throw new InputError(`the maximum length ${maxLength} is more than the model's ${config.max_position_embeddings} positions (max_position_embeddings); use at most ${config.max_position_embeddings}`);
  }
}

/** Encodes every example, truncated to `maxLength` tokens. */
export function encodeExamples(examples: ClassificationExamples, tokenizer: BertTokenizer, maxLength: number): Encoding[] {
  const options = { maxLength, truncation: "longest_first", padding: false } as const;
  return examples.texts.map((text, i) => tokenizer.encode(text, examples.pairs === null ? null : examples.pairs[i], options));
}

/** The training rows of `examples` for a model with `config`. */
export function classificationDataset(
  examples: ClassificationExamples, tokenizer: BertTokenizer, config: BertConfig, maxLength: number, asked?: ProblemType,
): ClassificationDataset {
  checkMaxLength(maxLength, config);
  const targets = targetsFor(examples, config, asked);
  const encodings = encodeExamples(examples, tokenizer, maxLength);
  const padId = tokenizer.specialTokenId("pad");
  const { width, values } = targets;
  return {
    size: encodings.length,
    lengths: Int32Array.from(encodings, (e) => e.length),
    encodings,
    targets,
    batch(rows: readonly number[]): ClassificationBatch {
      const collated = collate(rows.map((r) => encodings[r]), { padId });
      // A fresh buffer per batch: the trainer releases the batch's tensors when the step ends.
      const picked = values instanceof Int32Array ? new Int32Array(rows.length * width) : new Float32Array(rows.length * width);
      rows.forEach((r, i) => picked.set(values.subarray(r * width, (r + 1) * width), i * width));
      const shape = targets.problem === "multi_label_classification" ? [rows.length, width] : [rows.length];
      return { ...collated, labels: new Tensor(picked, shape) };
    },
  };
}
