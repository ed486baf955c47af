/**
 * The pre-training models: BertForPreTraining (MLM + NSP), BertForMaskedLM, BertForNextSentencePrediction.
 * Each computes its own loss when given labels: MLM is the mean cross-entropy over positions whose label
 * is not -100; NSP the mean cross-entropy of the 2-way [CLS] classifier (0 = B follows A, 1 = random B).
 */
import { Module } from "../../nn/module.js";
import { add } from "../../tensor/ops/binary.js";
import { reshape } from "../../tensor/ops/layout.js";
import { crossEntropy } from "../../tensor/ops/losses.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { BertConfig } from "../config.js";
import { type BertInputs, BertModel, type ForwardTaps } from "../model.js";
import { BertOnlyMLMHead, BertOnlyNSPHead, BertPreTrainingHeads } from "./lm-heads.js";
import { requirePooled } from "./pooled.js";

export interface PreTrainingInputs extends BertInputs {
  labels?: Tensor | null; // (B, T) int32 token ids to predict, -100 elsewhere
  nextSentenceLabel?: Tensor | null; // (B) int32
}

export interface PreTrainingOutput {
  predictionLogits: Tensor; // (B, T, V)
  seqRelationshipLogits: Tensor; // (B, 2)
  loss: Tensor | null; // MLM + NSP, when both labels are given
  mlmLoss: Tensor | null;
  nspLoss: Tensor | null;
}

/** Mean cross-entropy of (B, T, V) logits against (B, T) labels, -100 ignored. */
export function maskedLmLoss(logits: Tensor, labels: Tensor): Tensor {
  const v = logits.shape[logits.rank - 1];
  return crossEntropy(reshape(logits, [-1, v]), reshape(labels, [-1]), -100);
}

export class BertForPreTraining extends Module {
  static readonly architecture = "BertForPreTraining";
  bert: BertModel;
  cls: BertPreTrainingHeads;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config);
    this.cls = new BertPreTrainingHeads(config, this.bert.embeddings.word_embeddings.weight);
  }

  forward(inputs: PreTrainingInputs, taps: ForwardTaps = {}): PreTrainingOutput {
    const { lastHiddenState, poolerOutput } = this.bert.forward(inputs, taps);
    const predictionLogits = this.cls.predictions.forward(lastHiddenState);
    const seqRelationshipLogits = this.cls.seq_relationship.forward(requirePooled(poolerOutput));
    const mlmLoss = inputs.labels ? maskedLmLoss(predictionLogits, inputs.labels) : null;
    const nspLoss = inputs.nextSentenceLabel ? crossEntropy(seqRelationshipLogits, inputs.nextSentenceLabel) : null;
    const loss = mlmLoss && nspLoss ? add(mlmLoss, nspLoss) : null;
    return { predictionLogits, seqRelationshipLogits, loss, mlmLoss, nspLoss };
  }
}

export interface MaskedLMInputs extends BertInputs {
  labels?: Tensor | null; // (B, T) int32, -100 where not predicted
}

export interface MaskedLMOutput {
  logits: Tensor; // (B, T, V)
  loss: Tensor | null;
}

export class BertForMaskedLM extends Module {
  static readonly architecture = "BertForMaskedLM";
  bert: BertModel;
  cls: BertOnlyMLMHead;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config, { addPoolingLayer: false });
    this.cls = new BertOnlyMLMHead(config, this.bert.embeddings.word_embeddings.weight);
  }

  forward(inputs: MaskedLMInputs, taps: ForwardTaps = {}): MaskedLMOutput {
    const logits = this.cls.predictions.forward(this.bert.forward(inputs, taps).lastHiddenState);
    return { logits, loss: inputs.labels ? maskedLmLoss(logits, inputs.labels) : null };
  }
}

export interface NextSentenceInputs extends BertInputs {
  labels?: Tensor | null; // (B) int32: 0 = B continues A, 1 = B is random
}

export interface NextSentenceOutput {
  logits: Tensor; // (B, 2)
  loss: Tensor | null;
}

export class BertForNextSentencePrediction extends Module {
  static readonly architecture = "BertForNextSentencePrediction";
  bert: BertModel;
  cls: BertOnlyNSPHead;

  constructor(readonly config: BertConfig) {
    super();
    this.bert = new BertModel(config);
    this.cls = new BertOnlyNSPHead(config);
  }

  forward(inputs: NextSentenceInputs, taps: ForwardTaps = {}): NextSentenceOutput {
    const logits = this.cls.seq_relationship.forward(requirePooled(this.bert.forward(inputs, taps).poolerOutput));
    return { logits, loss: inputs.labels ? crossEntropy(logits, inputs.labels) : null };
  }
}
