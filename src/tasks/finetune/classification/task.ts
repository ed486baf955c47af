/**
 * Sequence classification as a trainer task: BertForSequenceClassification's own loss (cross-entropy,
 * binary cross-entropy per label, or MSE, by problem type) and one number to log per batch, weighted by rows:
 * `accuracy` in 0–100 (multi-label: rows whose every label is right) or `mse` for regression.
 */
import type { BertForSequenceClassification } from "../../../bert/heads/sequence-classification.js";
import { problemTypeFor } from "../../../bert/heads/sequence-classification.js";
import type { StepOutput, TrainTask } from "../../../train/task.js";
import type { ClassificationBatch } from "./dataset.js";

/** The class of each row of (B, L) logits: the first highest. */
export function argmaxRows(logits: ArrayLike<number>, width: number): Int32Array {
  const rows = logits.length / width;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < width; j++) if (logits[r * width + j] > logits[r * width + best]) best = j;
    out[r] = best;
  }
  return out;
}

/** Rows of (B, L) logits whose decisions (logit > 0 ⇔ sigmoid > 0.5) all match the multi-hot targets. */
function exactRows(logits: ArrayLike<number>, targets: ArrayLike<number>, width: number): number {
  let hits = 0;
  for (let r = 0; r < logits.length / width; r++) {
    let same = true;
    for (let j = r * width; j < (r + 1) * width && same; j++) same = logits[j] > 0 === targets[j] > 0.5;
    if (same) hits++;
  }
  return hits;
}

export function classificationStep(model: BertForSequenceClassification, batch: ClassificationBatch): StepOutput {
  const out = model.forward({ inputIds: batch.inputIds, attentionMask: batch.attentionMask, tokenTypeIds: batch.tokenTypeIds, labels: batch.labels });
  if (out.loss === null) throw new Error("internal: BertForSequenceClassification gave no loss although labels were passed");
  const rows = batch.inputIds.shape[0];
  const width = out.logits.shape[1]; // (B, L)
  const logits = out.logits.floats("classificationStep");
  let tokens = 0;
  for (const m of batch.attentionMask.ints("classificationStep")) tokens += m;
  const metrics: StepOutput["metrics"] = {};
  switch (problemTypeFor(model.config, batch.labels)) {
    case "regression": {
      metrics.mse = { value: out.loss.item(), weight: rows };
      break;
    }
    case "single_label_classification": {
      const predicted = argmaxRows(logits, width);
      const gold = batch.labels.ints("classificationStep");
      let hits = 0;
      for (let r = 0; r < rows; r++) if (predicted[r] === gold[r]) hits++;
      metrics.accuracy = { value: (100 * hits) / rows, weight: rows };
      break;
    }
    case "multi_label_classification": {
      const hits = exactRows(logits, batch.labels.floats("classificationStep"), width);
      metrics.accuracy = { value: (100 * hits) / rows, weight: rows };
      break;
    }
  }
  return { loss: out.loss, metrics, tokens };
}

export function classificationTask(): TrainTask<BertForSequenceClassification, ClassificationBatch> {
  return { step: classificationStep };
}
