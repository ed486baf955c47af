/**
 * Evaluation of token classification the way run_ner scores it: one prediction per word, the argmax of its
 * first piece's logits; a word cut off by `maxLength` is predicted "O". The words' tags are then scored with
 * seqeval (entity precision, recall, F1) and word accuracy, all in 0–100.
 *
 * Shapes: B rows, T tokens, L labels.
 */
import { type BertConfig, labelNames } from "../../../bert/config.js";
import type { BertForTokenClassification } from "../../../bert/heads/token-classification.js";
import type { ConllExamples } from "../../../data/finetune/conll.js";
import { InputError } from "../../../errors.js";
import { seqevalScores } from "../../../metrics/seqeval.js";
import { noGrad } from "../../../tensor/autograd.js";
import { scope } from "../../../tensor/scope.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import { checkMaxLength, IGNORE_LABEL, padRows, WordEncoder, type EncodedWords } from "./features.js";
import { argmax } from "./task.js";

/** Tag ids of each word of the encoded sentences (−1 for words cut off), from one forward pass. */
function predictBatch(model: BertForTokenClassification, encoded: readonly EncodedWords[], padId: number): Int32Array[] {
  return scope(() => noGrad(() => {
    const batch = padRows(encoded.map((e) => ({ ids: e.ids, labels: new Int32Array(e.ids.length).fill(IGNORE_LABEL) })), padId);
    const logits = model.forward({ inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds }).logits;
    const [, t, n] = logits.shape; // (B, T, L)
    const data = logits.floats("predictWordTags");
    return encoded.map((e, row) => Int32Array.from(e.firstPiece, (at) => (at < 0 ? -1 : argmax(data, (row * t + at) * n, n))));
  }));
}

/**
 * The predicted tag of every word of every sentence, by label name; words past `maxLength` get "O".
 * Sentences are run in batches of similar length (less padding), results in the input order.
 */
export function predictWordTags(
  model: BertForTokenClassification, tokenizer: BertTokenizer, config: BertConfig,
  sentences: ReadonlyArray<readonly string[]>, maxLength: number, batchSize: number,
): string[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`evaluation batch size must be a positive integer, got ${batchSize}`);
  checkMaxLength(maxLength, config);
  const names = labelNames(config);
  const encoder = new WordEncoder(tokenizer, maxLength);
  const padId = tokenizer.specialTokenId("pad");
  const encoded = sentences.map((words) => encoder.encode(words));
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].ids.length - encoded[b].ids.length);
  const out = new Array<string[]>(sentences.length);
  for (let from = 0; from < order.length; from += batchSize) {
    const rows = order.slice(from, from + batchSize);
    const tags = predictBatch(model, rows.map((i) => encoded[i]), padId);
    rows.forEach((i, k) => (out[i] = Array.from(tags[k], (id) => (id < 0 ? "O" : names[id]))));
  }
  return out;
}

/** seqeval precision, recall, f1 and word accuracy (0–100) of `model` on `examples`. */
export function evaluateTokenClassification(
  model: BertForTokenClassification, tokenizer: BertTokenizer, config: BertConfig,
  examples: ConllExamples, maxLength: number, batchSize: number,
): Record<string, number> {
  const sentences = examples.sentences;
  const predicted = predictWordTags(model, tokenizer, config, sentences.map((s) => s.words), maxLength, batchSize);
  const r = seqevalScores(sentences.map((s) => s.tags), predicted);
  return { precision: r.precision, recall: r.recall, f1: r.f1, accuracy: r.accuracy };
}
