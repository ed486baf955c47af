/**
 * The pre-training models: BertForPreTraining (MLM + NSP), BertForMaskedLM, BertForNextSentencePrediction.
 * Each computes its own loss when given labels: MLM is the mean cross-entropy over positions whose label
 * is not -100; NSP the mean cross-entropy of the 2-way [CLS] classifier (0 = B follows A, 1 = random B).
 */
import { Module } from "../../nn/module.js";
import { add } from "../../tensor/ops/binary.js";
import { reshape } from "../../tensor/ops/layout.js";
import { crossEntropy } from "../../tensor/ops/losses.js";
import { gatherRows } from "../../tensor/ops/rows.js";
import { Tensor } from "../../tensor/tensor.js";
import { InputError } from "../../errors.js";
import type { BertConfig } from "../config.js";
import { type BertInputs, BertModel, type ForwardTaps } from "../model.js";
import { BertOnlyMLMHead, BertOnlyNSPHead, BertPreTrainingHeads } from "./lm-heads.js";
import { requirePooled } from "./pooled.js";

export interface PreTrainingInputs extends BertInputs {
  labels?: Tensor | null; // (B, T) int32 token ids to predict, -100 elsewhere
  nextSentenceLabel?: Tensor | null; // (B) int32
  /**
   * Score the MLM head only at the labelled positions (needs `labels`), as google-research/bert's
   * run_pretraining.py does (`gather_indexes`): the loss is the same, and the decoder (V = 30,522 columns),
   * which dominates a small BERT's step at every position, runs on ~15% of the rows. Hugging Face scores all
   * positions, so `predictionLogits` is then (P, V) for the P labelled positions in row-major order
   * (`predictedPositions`).
   */
  labelledPositionsOnly?: boolean;
}

export interface PreTrainingOutput {
  predictionLogits: Tensor; // (B, T, V), or (P, V) with labelledPositionsOnly
  /** With labelledPositionsOnly: the flat (b·T + t) positions of predictionLogits' rows; else null. */
  predictedPositions: Int32Array | null;
  seqRelationshipLogits: Tensor; // (B, 2)
  loss: Tensor | null; // MLM + NSP, when both labels are given
  mlmLoss: Tensor | null;
  nspLoss: Tensor | null;
}

/** Flat indices of the labels that are not -100, in order. */
function labelledPositions(labels: Int32Array): Int32Array {
  let count = 0;
  for (const l of labels) if (l !== -100) count++;
  const out = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== -100) out[j++] = i;
  return out;
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
    const seqRelationshipLogits = this.cls.seq_relationship.forward(requirePooled(poolerOutput));
    const nspLoss = inputs.nextSentenceLabel ? crossEntropy(seqRelationshipLogits, inputs.nextSentenceLabel) : null;
    let predictionLogits: Tensor;
    let predictedPositions: Int32Array | null = null;
    let mlmLoss: Tensor | null = null;
    if (inputs.labelledPositionsOnly === true) {
      if (!inputs.labels) throw new InputError("BertForPreTraining: labelledPositionsOnly needs labels");
      const labels = inputs.labels.ints("BertForPreTraining");
      predictedPositions = labelledPositions(labels);
      const c = lastHiddenState.shape[lastHiddenState.rank - 1];
      const hidden = gatherRows(reshape(lastHiddenState, [-1, c]), predictedPositions); // (P, C)
      predictionLogits = this.cls.predictions.forward(hidden); // (P, V)
      const picked = Int32Array.from(predictedPositions, (i) => labels[i]);
      mlmLoss = crossEntropy(predictionLogits, new Tensor(picked, [picked.length]), -100);
    } else {
      predictionLogits = this.cls.predictions.forward(lastHiddenState);
      mlmLoss = inputs.labels ? maskedLmLoss(predictionLogits, inputs.labels) : null;
    }
    const loss = mlmLoss && nspLoss ? add(mlmLoss, nspLoss) : null;
    return { predictionLogits, predictedPositions, seqRelationshipLogits, loss, mlmLoss, nspLoss };
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
