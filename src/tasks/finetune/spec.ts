/**
 * What `finetune()` and `evaluateFinetuned()` need from one kind of fine-tuning (classification, extractive
 * QA, token classification): how to read its files, which head it trains, how to encode examples into
 * training rows, the trainer task, and the field's metrics on a data file. One factory per kind builds it
 * from the kind's options (columns, strides, label scheme, maximum length).
 */
import type { ArchitectureName } from "../../bert/architectures.js";
import type { BertConfig } from "../../bert/config.js";
import type { Module } from "../../nn/module.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import type { Dataset, TrainTask } from "../../train/task.js";

export type FinetuneTaskName = "classification" | "qa" | "token-classification";

/** Training rows with their lengths in tokens (for length-grouped batches). */
export interface FinetuneDataset<B> extends Dataset<B> {
  /** Real tokens of each row; `lengths.length === size`. */
  readonly lengths: Int32Array;
}

export interface FinetuneSpec<M extends Module, B, Examples> {
  readonly name: FinetuneTaskName;
  /** The model class trained and saved (config.json's architectures[0]). */
  readonly architecture: ArchitectureName;
  /** Builds the (untrained) model of this class from a config; weights are loaded afterwards. */
  build(config: BertConfig): M;
  /**
   * Reads a training or evaluation file. Bad content is an InputError naming the file and line
   * (`train.tsv:17: …`). `config` is given when the labels are already fixed (evaluation of a fine-tuned
   * model): labels it does not know are then an error.
   */
  read(file: string, config?: BertConfig): Examples;
  /** Number of examples (sentences, questions) in what `read` returned. */
  count(examples: Examples): number;
  /**
   * Config fields the training data fixes: id2label, label2id, num_labels, problem_type. Merged over the
   * checkpoint's config before the model is built.
   */
  configFor(train: Examples, base: BertConfig): Partial<BertConfig>;
  /** Encodes examples into training rows (a QA example can give several windows). */
  trainData(examples: Examples, tokenizer: BertTokenizer, config: BertConfig): FinetuneDataset<B>;
  /** The trainer task: loss and per-batch metrics (e.g. accuracy) of one batch. */
  readonly task: TrainTask<M, B>;
  /**
   * The field's metrics of `model` on `examples` (model in eval mode, no autograd, batches of `batchSize`):
   * plain keys such as accuracy, f1, exact_match, mcc, pearson, spearman, precision, recall.
   */
  evaluate(model: M, tokenizer: BertTokenizer, config: BertConfig, examples: Examples, batchSize: number): Record<string, number>;
  /** The key of `evaluate`'s result that picks the best checkpoint (greater is better). */
  readonly mainMetric: string;
  /** How the metrics are scaled, for help texts: e.g. "accuracy, f1 in 0–100". */
  readonly metricsNote: string;
}
