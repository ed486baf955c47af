/** BertForTokenClassification (NER): dropout + linear on every token's final hidden state. */
import { Dropout } from "../../nn/dropout.js";
import { Linear } from "../../nn/linear.js";
import { Module } from "../../nn/module.js";
import { reshape } from "../../tensor/ops/layout.js";
import { crossEntropy } from "../../tensor/ops/losses.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type BertConfig, numLabels } from "../config.js";
import { type BertInputs, BertModel, type ForwardTaps } from "../model.js";
import type { ClassifierOutput } from "./sequence-classification.js";

export interface TokenClassificationInputs extends BertInputs {
  labels?: Tensor | null; // (B, T) int32 tag ids, -100 on tokens that are not scored
}

export class BertForTokenClassification extends Module {
  static readonly architecture = "BertForTokenClassification";
  bert: BertModel;
  dropout: Dropout;
  classifier: Linear;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config, { addPoolingLayer: false });
    this.dropout = new Dropout(config.classifier_dropout ?? config.hidden_dropout_prob);
    this.classifier = new Linear(config.hidden_size, numLabels(config), config.initializer_range);
  }

  forward(inputs: TokenClassificationInputs, taps: ForwardTaps = {}): ClassifierOutput {
    const hidden = this.bert.forward(inputs, taps).lastHiddenState;
    const logits = this.classifier.forward(this.dropout.forward(hidden)); // (B, T, num_labels)
    const n = numLabels(this.config);
    return { logits, loss: inputs.labels ? crossEntropy(reshape(logits, [-1, n]), reshape(inputs.labels, [-1])) : null };
  }
}
