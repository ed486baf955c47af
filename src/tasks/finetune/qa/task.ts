/**
 * Extractive QA as a trainer task: BertForQuestionAnswering's own loss (mean of the start and end
 * cross-entropies, as Hugging Face) on a batch of windows, and per batch the share of windows whose most likely
 * start AND end token (over the real tokens) are the labelled ones: `span_accuracy`, in 0–100, weighted by rows.
 * A window without the answer is right when both point at [CLS]. The SQuAD metrics on whole questions
 * (exact match, F1) come from `evaluate`, not from here.
 */
import type { BertForQuestionAnswering } from "../../../bert/heads/question-answering.js";
import type { StepOutput, TrainTask } from "../../../train/task.js";
import type { QaBatch } from "./dataset.js";

/** Index of the largest of row[from, from + n). */
function argmax(data: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (data[from + j] > data[from + best]) best = j;
  return best;
}

/** Rows whose argmax start and end (over the real tokens of the row) equal the labels. */
export function countExactSpans(startLogits: ArrayLike<number>, endLogits: ArrayLike<number>, batch: QaBatch): number {
  const [b, t] = batch.inputIds.shape;
  const mask = batch.attentionMask.ints("span accuracy");
  const starts = batch.startPositions.ints("span accuracy");
  const ends = batch.endPositions.ints("span accuracy");
  let hits = 0;
  for (let r = 0; r < b; r++) {
    let real = 0;
    while (real < t && mask[r * t + real] === 1) real++; // rows are right-padded
    if (argmax(startLogits, r * t, real) === starts[r] && argmax(endLogits, r * t, real) === ends[r]) hits++;
  }
  return hits;
}

export function qaStep(model: BertForQuestionAnswering, batch: QaBatch): StepOutput {
  const out = model.forward({
    inputIds: batch.inputIds,
    attentionMask: batch.attentionMask,
    tokenTypeIds: batch.tokenTypeIds,
    startPositions: batch.startPositions,
    endPositions: batch.endPositions,
  });
  if (out.loss === null) throw new Error("internal: BertForQuestionAnswering gave no loss although positions were passed");
  const rows = batch.inputIds.shape[0];
  const hits = countExactSpans(out.startLogits.floats("span accuracy"), out.endLogits.floats("span accuracy"), batch);
  let tokens = 0;
  for (const m of batch.attentionMask.ints("tokens")) tokens += m;
  return { loss: out.loss, metrics: { span_accuracy: { value: (100 * hits) / rows, weight: rows } }, tokens };
}

/** The trainer task of extractive QA. */
export const qaTask: TrainTask<BertForQuestionAnswering, QaBatch> = { step: qaStep, progressMetrics: ["span_accuracy"] };
