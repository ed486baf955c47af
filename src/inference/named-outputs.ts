/**
 * Runs any BERT class in eval mode and returns its outputs under Hugging Face's output names
 * (`last_hidden_state`, `logits`, `start_logits`, `hidden_states.0`, …): the form `bertkit forward`
 * writes, for comparing with another implementation.
 */
import { noGrad } from "../tensor/autograd.js";
import type { Tensor } from "../tensor/tensor.js";
import type { AnyBertModel } from "../bert/architectures.js";
import { BertForMaskedLM, BertForNextSentencePrediction, BertForPreTraining } from "../bert/heads/pretraining.js";
import { BertForQuestionAnswering } from "../bert/heads/question-answering.js";
import { BertForSequenceClassification } from "../bert/heads/sequence-classification.js";
import { BertForTokenClassification } from "../bert/heads/token-classification.js";
import type { BertInputs, ForwardTaps } from "../bert/model.js";

export interface NamedOutputOptions {
  hiddenStates?: boolean;
  attentions?: boolean;
}

function headOutputs(model: AnyBertModel, inputs: BertInputs, taps: ForwardTaps): [string, Tensor][] {
  if (model instanceof BertForPreTraining) {
    const o = model.forward(inputs, taps);
    return [["prediction_logits", o.predictionLogits], ["seq_relationship_logits", o.seqRelationshipLogits]];
  }
  if (model instanceof BertForQuestionAnswering) {
    const o = model.forward(inputs, taps);
    return [["start_logits", o.startLogits], ["end_logits", o.endLogits]];
  }
  if (
    model instanceof BertForMaskedLM || model instanceof BertForNextSentencePrediction ||
    model instanceof BertForSequenceClassification || model instanceof BertForTokenClassification
  ) {
    return [["logits", model.forward(inputs, taps).logits]];
  }
  const o = model.forward(inputs, taps);
  const out: [string, Tensor][] = [["last_hidden_state", o.lastHiddenState]];
  if (o.poolerOutput !== null) out.push(["pooler_output", o.poolerOutput]);
  return out;
}

export function namedOutputs(model: AnyBertModel, inputs: BertInputs, options: NamedOutputOptions = {}): Map<string, Tensor> {
  const taps: ForwardTaps = {};
  if (options.hiddenStates === true) taps.hiddenStates = [];
  if (options.attentions === true) taps.attentions = [];
  const wasTraining = model.training;
  model.eval();
  try {
    const out = new Map(noGrad(() => headOutputs(model, inputs, taps)));
    taps.hiddenStates?.forEach((t, i) => out.set(`hidden_states.${i}`, t));
    taps.attentions?.forEach((t, i) => out.set(`attentions.${i}`, t));
    return out;
  } finally {
    model.train(wasTraining);
  }
}
