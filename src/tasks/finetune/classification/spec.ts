/**
 * Fine-tuning for sequence classification (single texts and pairs; single-label, multi-label or regression)
 * as a FinetuneSpec: SST-2, CoLA, RTE, MRPC, STS-B, spam filters, topic tags.
 *
 * The label set comes from the training file (names sorted; integer labels keep their value as id) and is
 * written to the config as id2label/label2id, with num_labels and problem_type, as Hugging Face's run_glue does.
 *
 * The main metric, which picks the best checkpoint, follows the problem type: accuracy (single-label),
 * micro f1 (multi-label; subset accuracy is too coarse with many labels) or pearson (regression, GLUE's first
 * STS-B number). The problem type is `options.problemType` when given, else the one the last training data
 * (`configFor`) or model (`evaluate`) had.
 */
import { type BertConfig } from "../../../bert/config.js";
import { BertForSequenceClassification, type ProblemType } from "../../../bert/heads/sequence-classification.js";
import { labelSetOf } from "../../../data/finetune/labels.js";
import { InputError } from "../../../errors.js";
import type { FinetuneSpec } from "../spec.js";
import { type ClassificationBatch, classificationDataset } from "./dataset.js";
import { evaluateClassifier } from "./evaluate.js";
import { type ClassificationExamples, type ClassificationReadOptions, problemOf, readClassificationExamples } from "./examples.js";
import { classificationTask } from "./task.js";

export interface ClassificationSpecOptions extends ClassificationReadOptions {
  /** Longest encoding in tokens, [CLS] and [SEP] included; longer texts are truncated. */
  maxLength: number;
}

export type ClassificationSpec = FinetuneSpec<BertForSequenceClassification, ClassificationBatch, ClassificationExamples>;

const MAIN_METRIC: Record<ProblemType, string> = {
  single_label_classification: "accuracy",
  multi_label_classification: "f1",
  regression: "pearson",
};

/** Config fields that training labels fix. */
export function classificationConfigFor(train: ClassificationExamples): Partial<BertConfig> {
  if (train.labels.problem === "regression") {
    return { num_labels: 1, problem_type: "regression", id2label: { "0": "LABEL_0" }, label2id: { LABEL_0: 0 } };
  }
  const names = labelSetOf(train.labels);
  if (names.length === 0) throw new InputError(`${train.file}: no example has a label; give each example one in the label column`);
  if (train.labels.problem === "single_label_classification" && names.length < 2) {
    throw new InputError(`${train.file}: every example has the label "${names[0]}"; classification needs examples of at least two labels`);
  }
  return {
    num_labels: names.length,
    problem_type: train.labels.problem,
    id2label: Object.fromEntries(names.map((n, i) => [String(i), n])),
    label2id: Object.fromEntries(names.map((n, i) => [n, i])),
  };
}

export function classificationSpec(options: ClassificationSpecOptions): ClassificationSpec {
  let problem: ProblemType = options.problemType ?? "single_label_classification";
  const remember = (p: ProblemType): void => {
    if (options.problemType === undefined) problem = p;
  };
  return {
    name: "classification",
    architecture: "BertForSequenceClassification",
    build: (config) => new BertForSequenceClassification(config),
    read: (file, config) => readClassificationExamples(file, options, config),
    count: (examples) => examples.texts.length,
    configFor(train) {
      const fields = classificationConfigFor(train);
      remember(train.labels.problem);
      return fields;
    },
    trainData: (examples, tokenizer, config) => classificationDataset(examples, tokenizer, config, options.maxLength, options.problemType),
    task: classificationTask(),
    evaluate(model, tokenizer, config, examples, batchSize) {
      remember(problemOf(config, options.problemType));
      return evaluateClassifier(model, tokenizer, config, examples, batchSize, options.maxLength, options.problemType);
    },
    get mainMetric(): string {
      return MAIN_METRIC[problem];
    },
    metricsNote: "accuracy, f1 in 0–100 (binary f1: label id 1; multi-class: macro; multi-label: micro); mcc, pearson, spearman in −1…1; mse and loss as computed",
  };
}
