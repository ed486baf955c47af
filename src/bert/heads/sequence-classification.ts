/**
 * BertForSequenceClassification: dropout + linear on the pooled [CLS] vector.
 * The loss follows Hugging Face's `problem_type` rule: one label → regression (MSE); int32 labels →
 * single-label cross-entropy; float labels (B, num_labels) → multi-label binary cross-entropy.
 */
import { Dropout } from "../../nn/dropout.js";
import { Linear } from "../../nn/linear.js";
import { Module } from "../../nn/module.js";
import { InputError } from "../../errors.js";
import { reshape } from "../../tensor/ops/layout.js";
import { bceWithLogits, crossEntropy, mseLoss } from "../../tensor/ops/losses.js";
import { fmt } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type BertConfig, numLabels } from "../config.js";
import { type BertInputs, BertModel, type ForwardTaps } from "../model.js";
import { requirePooled } from "./pooled.js";

export type ProblemType = "regression" | "single_label_classification" | "multi_label_classification";

export interface ClassificationInputs extends BertInputs {
  /** (B) int32 class ids; (B, num_labels) float for multi-label; (B) float for regression. */
  labels?: Tensor | null;
}

export interface ClassifierOutput {
  logits: Tensor;
  loss: Tensor | null;
}

/** Which loss Hugging Face would use for these labels. */
export function problemTypeFor(config: BertConfig, labels: Tensor): ProblemType {
  if (config.problem_type) return config.problem_type;
  if (numLabels(config) === 1) return "regression";
  return labels.dtype === "int32" ? "single_label_classification" : "multi_label_classification";
}

export function classificationLoss(config: BertConfig, logits: Tensor, labels: Tensor): Tensor {
  const n = numLabels(config);
  switch (problemTypeFor(config, labels)) {
    case "regression":
      if (labels.dtype === "int32") throw new InputError("regression labels must be float, got int32");
      return n === 1 ? mseLoss(reshape(logits, [-1]), reshape(labels, [-1])) : mseLoss(logits, labels);
    case "single_label_classification":
      if (labels.dtype !== "int32") throw new InputError(`single-label classification needs int32 class ids, got ${labels.dtype}`);
      return crossEntropy(reshape(logits, [-1, n]), reshape(labels, [-1]));
    case "multi_label_classification":
      if (labels.dtype === "int32") throw new InputError(`multi-label classification needs float labels of shape ${fmt(logits.shape)}, got int32`);
      return bceWithLogits(logits, labels);
  }
}

export class BertForSequenceClassification extends Module {
  static readonly architecture = "BertForSequenceClassification";
  bert: BertModel;
  dropout: Dropout;
  classifier: Linear;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config);
    this.dropout = new Dropout(config.classifier_dropout ?? config.hidden_dropout_prob);
    this.classifier = new Linear(config.hidden_size, numLabels(config), config.initializer_range);
  }

  forward(inputs: ClassificationInputs, taps: ForwardTaps = {}): ClassifierOutput {
    const pooled = requirePooled(this.bert.forward(inputs, taps).poolerOutput);
    const logits = this.classifier.forward(this.dropout.forward(pooled)); // (B, num_labels)
    return { logits, loss: inputs.labels ? classificationLoss(this.config, logits, inputs.labels) : null };
  }
}
