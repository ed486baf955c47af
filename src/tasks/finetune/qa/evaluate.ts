/**
 * A QA model on a SQuAD file: every question's windows are run (no autograd, batches of similar length), each
 * question's answer is picked from its windows' logits (postprocess.ts), and the answers are scored with the
 * official metrics of the file's version: v1.1 exact_match and f1; v2.0 adds the has-answer/no-answer splits
 * and, with the null-score differences as no-answer scores, the best threshold on them (what Google's
 * run_squad.py feeds evaluate-v2.0.py as its na_prob_file).
 */
import type { BertForQuestionAnswering } from "../../../bert/heads/question-answering.js";
import type { SquadExamples } from "../../../data/finetune/squad.js";
import { squadV1Metrics, squadV2Metrics, type SquadReference } from "../../../metrics/squad.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import { questionLabel } from "./dataset.js";
import { windowLogits } from "./logits.js";
import { selectAnswer, type QaPrediction, type SpanOptions } from "./postprocess.js";
import { encodeQaWindows, type QaWindow, type QaWindowOptions } from "./windows.js";

export type QaPredictOptions = QaWindowOptions & Omit<SpanOptions, "allowNoAnswer">;

/** Each question's prediction, by id (v2.0 files may answer ""). */
export function predictSquad(
  model: BertForQuestionAnswering, tokenizer: BertTokenizer, examples: SquadExamples, options: QaPredictOptions, batchSize: number,
): Map<string, QaPrediction> {
  const windows: QaWindow[][] = examples.questions.map((q, i) => encodeQaWindows(tokenizer, q.question, q.context, options, questionLabel(examples, i)));
  const logits = windowLogits(model, windows.flat().map((w) => w.encoding), tokenizer.specialTokenId("pad"), batchSize);
  const span: SpanOptions = { ...options, allowNoAnswer: examples.version === "2.0" };
  const predictions = new Map<string, QaPrediction>();
  let at = 0;
  examples.questions.forEach((q, i) => {
    const own = windows[i];
    predictions.set(q.id, selectAnswer(q.context, own, logits.slice(at, at + own.length), span));
    at += own.length;
  });
  return predictions;
}

/** The gold answers in the metrics' form. */
export function squadReferences(examples: SquadExamples): SquadReference[] {
  return examples.questions.map((q) => ({ id: q.id, answers: q.answers.map((a) => a.text) }));
}

/**
 * The official metrics of `predictions` on `examples` (v1.1 or v2.0 by the file). v2.0's no-answer threshold is
 * the one the predictions were made with, so that the script's thresholding agrees with the answers given.
 */
export function squadMetrics(examples: SquadExamples, predictions: ReadonlyMap<string, QaPrediction>, nullScoreDiffThreshold = 0): Record<string, number> {
  const texts = new Map(Array.from(predictions, ([id, p]) => [id, p.text] as const));
  const references = squadReferences(examples);
  if (examples.version === "1.1") return { ...squadV1Metrics(references, texts) };
  const noAnswerProbability = new Map(Array.from(predictions, ([id, p]) => [id, p.nullScoreDiff] as const));
  return squadV2Metrics(references, texts, { noAnswerProbability, noAnswerThreshold: nullScoreDiffThreshold });
}

/** Predicts and scores in one call. */
export function evaluateSquad(
  model: BertForQuestionAnswering, tokenizer: BertTokenizer, examples: SquadExamples, options: QaPredictOptions, batchSize: number,
): Record<string, number> {
  return squadMetrics(examples, predictSquad(model, tokenizer, examples, options, batchSize), options.nullScoreDiffThreshold);
}
