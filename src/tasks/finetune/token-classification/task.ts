/**
 * Token classification as a trainer task: BertForTokenClassification on a batch gives its own loss (mean
 * cross-entropy over the labelled positions, the first piece of each word) and the token accuracy over those
 * positions (0–100), weighted by their number for averaging over batches.
 *
 * Shapes: B rows, T tokens, L labels.
 */
import type { BertForTokenClassification } from "../../../bert/heads/token-classification.js";
import type { Tensor } from "../../../tensor/tensor.js";
import type { StepOutput, TrainTask } from "../../../train/task.js";
import { IGNORE_LABEL, type TokenClassificationBatch } from "./features.js";

/** Index of the largest of `n` values from `from` (the first one on ties, as numpy's argmax). */
export function argmax(data: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (data[from + j] > data[from + best]) best = j;
  return best;
}

/** Labelled positions and how many of them the highest logit gets right. */
export function labelHits(logits: Tensor, labels: Tensor): { labelled: number; correct: number } {
  const n = logits.shape[logits.rank - 1];
  const scores = logits.floats("labelHits"); // (B, T, L)
  const gold = labels.ints("labelHits"); // (B, T)
  let labelled = 0;
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === IGNORE_LABEL) continue;
    labelled++;
    if (argmax(scores, i * n, n) === gold[i]) correct++;
  }
  return { labelled, correct };
}

export function tokenClassificationStep(model: BertForTokenClassification, batch: TokenClassificationBatch): StepOutput {
  const out = model.forward(batch);
  if (out.loss === null) throw new Error("BertForTokenClassification gave no loss although labels were passed");
  const { labelled, correct } = labelHits(out.logits, batch.labels);
  let tokens = 0;
  for (const m of batch.attentionMask.ints("tokenClassificationStep")) tokens += m;
  return {
    loss: out.loss,
    metrics: { accuracy: { value: labelled > 0 ? (100 * correct) / labelled : 0, weight: labelled } },
    tokens,
  };
}

export function tokenClassificationTask(): TrainTask<BertForTokenClassification, TokenClassificationBatch> {
  return { step: tokenClassificationStep, progressMetrics: ["accuracy"] };
}
