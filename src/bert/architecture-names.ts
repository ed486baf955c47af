/**
 * The model classes a `config.json` can name in `architectures`, as names only: the CLI lists them as `--class`
 * choices without loading the models. src/bert/architectures.ts maps each to its builder (and checks that the two
 * lists agree).
 */
export const ARCHITECTURE_NAMES = [
  "BertModel",
  "BertForPreTraining",
  "BertForMaskedLM",
  "BertForNextSentencePrediction",
  "BertForSequenceClassification",
  "BertForQuestionAnswering",
  "BertForTokenClassification",
] as const;

export type ArchitectureName = (typeof ARCHITECTURE_NAMES)[number];
