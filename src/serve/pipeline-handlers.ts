/**
 * bertkit's own routes beyond TEI: /fill-mask, /question-answering, /token-classification. Bodies use
 * snake_case options (validated by schemas.ts); answers have Hugging Face pipeline shapes: one input
 * answers its result, a list of inputs answers a list of results.
 */
import type { FillMaskCandidate } from "../inference/pipelines/fill-mask.js";
import type { QuestionAnsweringAnswer, QuestionAnsweringInput } from "../inference/pipelines/question-answering.js";
import type { AggregationStrategy, EntityGroup, TokenEntity } from "../inference/pipelines/token-classification.js";
import type { Handlers } from "./handlers.js";
import { need } from "./served-model.js";

export interface FillMaskBody {
  inputs: string | string[];
  top_k?: number;
  targets?: string[];
}

export interface QuestionAnsweringBody {
  inputs: QuestionAnsweringInput | QuestionAnsweringInput[];
  top_k?: number;
  max_answer_length?: number;
  handle_impossible_answer?: boolean;
}

export interface TokenClassificationBody {
  inputs: string | string[];
  aggregation_strategy?: AggregationStrategy;
  ignore_labels?: string[];
}

/** Tokens of one text, refused past the model's length (these routes need whole texts: no truncate flag). */
function textTokens(h: Handlers, text: string): number {
  return h.tokens(text, null, { truncate: false });
}

/** One list of candidates per [MASK] of each text (a text with one mask: that list). */
export async function fillMask(h: Handlers, body: FillMaskBody): Promise<unknown> {
  need(h.m.fillMask, "/fill-mask", h.m);
  const single = typeof body.inputs === "string";
  const texts = h.batch(single ? [body.inputs as string] : (body.inputs as string[]));
  const tokens = texts.reduce((n, t) => n + textTokens(h, t), 0);
  const options = { topK: body.top_k ?? 5, targets: body.targets };
  const masks = await h.lanes.fillMask.submit(texts.map((input) => ({ input, options })), tokens);
  const shaped = masks.map((m): FillMaskCandidate[] | FillMaskCandidate[][] => (m.length === 1 ? m[0] : m));
  return single ? shaped[0] : shaped;
}

/** The best answer (top_k 1) or answers of each question. */
export async function questionAnswering(h: Handlers, body: QuestionAnsweringBody): Promise<unknown> {
  need(h.m.questionAnswering, "/question-answering", h.m);
  const single = !Array.isArray(body.inputs);
  const inputs = h.batch(Array.isArray(body.inputs) ? body.inputs : [body.inputs]);
  // Long contexts are split into windows by the pipeline, so they are not refused; the weight counts them all.
  const tokens = inputs.reduce((n, x) => n + h.m.tokenizer.encode(x.question, x.context, { truncation: false }).length, 0);
  const options = { topK: body.top_k ?? 1, maxAnswerLength: body.max_answer_length ?? 15, handleImpossibleAnswer: body.handle_impossible_answer === true };
  const answers = await h.lanes.questionAnswering.submit(inputs.map((input) => ({ input, options })), tokens);
  const shaped = answers.map((a): QuestionAnsweringAnswer | QuestionAnsweringAnswer[] => (options.topK === 1 ? (a[0] ?? { score: 0, start: 0, end: 0, answer: "" }) : a));
  return single ? shaped[0] : shaped;
}

/** The tagged tokens (or entity groups) of each text. */
export async function tokenClassification(h: Handlers, body: TokenClassificationBody): Promise<unknown> {
  need(h.m.tokenClassification, "/token-classification", h.m);
  const single = typeof body.inputs === "string";
  const texts = h.batch(single ? [body.inputs as string] : (body.inputs as string[]));
  const tokens = texts.reduce((n, t) => n + h.m.tokenizer.encode(t, null, { truncation: false }).length, 0);
  const options = { aggregation: body.aggregation_strategy ?? "none", ignoreLabels: body.ignore_labels };
  const entities = await h.lanes.tokenClassification.submit(texts.map((input) => ({ input, options })), tokens);
  const shaped: Array<TokenEntity[] | EntityGroup[]> = entities;
  return single ? shaped[0] : shaped;
}
