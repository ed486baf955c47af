/** The model classes a `config.json` can name in `architectures`, and how to build each. */
import { InputError } from "../errors.js";
import type { BertConfig } from "./config.js";
import { BertForNextSentencePrediction, BertForMaskedLM, BertForPreTraining } from "./heads/pretraining.js";
import { BertForQuestionAnswering } from "./heads/question-answering.js";
import { BertForSequenceClassification } from "./heads/sequence-classification.js";
import { BertForTokenClassification } from "./heads/token-classification.js";
import { BertModel } from "./model.js";
import { ARCHITECTURE_NAMES, type ArchitectureName } from "./architecture-names.js";

export type { ArchitectureName } from "./architecture-names.js";

// `satisfies`: a builder for each name of ARCHITECTURE_NAMES, and no other.
export const ARCHITECTURES = {
  BertModel: (c: BertConfig) => new BertModel(c),
  BertForPreTraining: (c: BertConfig) => new BertForPreTraining(c),
  BertForMaskedLM: (c: BertConfig) => new BertForMaskedLM(c),
  BertForNextSentencePrediction: (c: BertConfig) => new BertForNextSentencePrediction(c),
  BertForSequenceClassification: (c: BertConfig) => new BertForSequenceClassification(c),
  BertForQuestionAnswering: (c: BertConfig) => new BertForQuestionAnswering(c),
  BertForTokenClassification: (c: BertConfig) => new BertForTokenClassification(c),
} as const satisfies Record<ArchitectureName, (c: BertConfig) => unknown>;
export type AnyBertModel = ReturnType<(typeof ARCHITECTURES)[ArchitectureName]>;

export function isArchitectureName(name: string): name is ArchitectureName {
  return Object.hasOwn(ARCHITECTURES, name);
}

export function architectureNames(): ArchitectureName[] {
  return [...ARCHITECTURE_NAMES];
}

export function createModel(name: string, config: BertConfig): AnyBertModel {
  if (!isArchitectureName(name)) throw new InputError(`unknown model class "${name}"; bertkit has ${architectureNames().join(", ")}`);
  return ARCHITECTURES[name](config);
}
