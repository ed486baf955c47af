/**
 * BertForQuestionAnswering (extractive, SQuAD): a 2-way linear layer on every token gives start and end
 * logits. Loss = mean of the start and end cross-entropies; positions outside the sequence are clamped to
 * T and ignored, as Hugging Face does for answers truncated away.
 */
import { Linear } from "../../nn/linear.js";
import { Module } from "../../nn/module.js";
import { InputError } from "../../errors.js";
import { affine } from "../../tensor/ops/unary.js";
import { add } from "../../tensor/ops/binary.js";
import { reshape, slice } from "../../tensor/ops/layout.js";
import { crossEntropy } from "../../tensor/ops/losses.js";
import { intTensor, type Tensor } from "../../tensor/tensor.js";
import type { BertConfig } from "../config.js";
import { type BertInputs, BertModel, type ForwardTaps } from "../model.js";

export interface QuestionAnsweringInputs extends BertInputs {
  startPositions?: Tensor | null; // (B) int32 token index of the answer's first token
  endPositions?: Tensor | null; // (B) int32 token index of its last token
}

export interface QuestionAnsweringOutput {
  startLogits: Tensor; // (B, T)
  endLogits: Tensor; // (B, T)
  loss: Tensor | null;
}

export class BertForQuestionAnswering extends Module {
  static readonly architecture = "BertForQuestionAnswering";
  bert: BertModel;
  qa_outputs: Linear;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config, { addPoolingLayer: false });
    this.qa_outputs = new Linear(config.hidden_size, 2, config.initializer_range);
  }

  forward(inputs: QuestionAnsweringInputs, taps: ForwardTaps = {}): QuestionAnsweringOutput {
    const hidden = this.bert.forward(inputs, taps).lastHiddenState;
    const [b, t] = hidden.shape;
    const logits = this.qa_outputs.forward(hidden); // (B, T, 2)
    const startLogits = reshape(slice(logits, 2, 0, 1), [b, t]);
    const endLogits = reshape(slice(logits, 2, 1, 2), [b, t]);
    let loss: Tensor | null = null;
    if (inputs.startPositions && inputs.endPositions) {
      const start = crossEntropy(startLogits, clampPositions(inputs.startPositions, b, t), t);
      const end = crossEntropy(endLogits, clampPositions(inputs.endPositions, b, t), t);
      loss = affine(add(start, end), 0.5);
    }
    return { startLogits, endLogits, loss };
  }
}

/** Clamps to [0, T]; T is then the ignore index. */
function clampPositions(positions: Tensor, batch: number, tokens: number): Tensor {
  if (positions.size !== batch) throw new InputError(`answer positions: expected ${batch} values (one per sequence), got ${positions.size}`);
  const p = positions.ints("answer positions");
  return intTensor(Array.from(p, (v) => Math.min(Math.max(v, 0), tokens)));
}
