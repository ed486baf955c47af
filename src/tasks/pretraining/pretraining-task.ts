/**
 * Pre-training as a trainer task (src/train/task.ts): BertForPreTraining on a batch of shard rows gives
 * loss = mean MLM cross-entropy over the predicted positions + mean NSP cross-entropy (the head's own loss,
 * as Hugging Face computes it), and the numbers to log, each weighted for averaging over batches:
 * `mlm_loss` and `masked_accuracy` by predicted positions, `nsp_loss` and `nsp_accuracy` by rows.
 * `augment` (when masking options are given) is dynamic masking.
 */
import type { BertForPreTraining, PreTrainingOutput } from "../../bert/heads/pretraining.js";
import { IGNORE_INDEX } from "../../data/pretraining/shard-format.js";
import type { PretrainingBatch } from "../../data/pretraining/shard-dataset.js";
import type { Rng } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { StepOutput, TrainTask } from "../../train/task.js";
import { remaskBatch, type DynamicMasking } from "./dynamic-masking.js";

/** Counts behind the metrics of one batch. */
export interface PretrainingCounts {
  /** Positions with a label (≠ −100). */
  predicted: number;
  /** Of those, where the highest logit is the label. */
  correct: number;
  rows: number;
  /** Rows whose NSP prediction is the label. */
  nspCorrect: number;
  /** Real tokens (sum of attention_mask). */
  tokens: number;
}

function argmax(data: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (data[from + j] > data[from + best]) best = j;
  return best;
}

/** Masked-token and NSP hits of a forward pass on `batch`. */
export function countHits(
  out: Pick<PreTrainingOutput, "predictionLogits" | "seqRelationshipLogits"> & Partial<Pick<PreTrainingOutput, "predictedPositions">>,
  batch: PretrainingBatch,
): PretrainingCounts {
  const v = out.predictionLogits.shape[out.predictionLogits.rank - 1];
  const logits = out.predictionLogits.floats("countHits");
  const labels = batch.labels.ints("countHits");
  // Row r of the logits is position positions[r] (labelled positions only), or position r (all positions).
  const positions = out.predictedPositions ?? null;
  let predicted = 0;
  let correct = 0;
  const rows = positions === null ? labels.length : positions.length;
  for (let r = 0; r < rows; r++) {
    const i = positions === null ? r : positions[r];
    if (labels[i] === IGNORE_INDEX) continue;
    predicted++;
    if (argmax(logits, r * v, v) === labels[i]) correct++;
  }
  const nsp = out.seqRelationshipLogits.floats("countHits");
  const nsl = batch.nextSentenceLabel.ints("countHits");
  let nspCorrect = 0;
  for (let r = 0; r < nsl.length; r++) if (argmax(nsp, r * 2, 2) === nsl[r]) nspCorrect++;
  let tokens = 0;
  for (const m of batch.attentionMask.ints("countHits")) tokens += m;
  return { predicted, correct, rows: nsl.length, nspCorrect, tokens };
}

function scalar(t: Tensor | null, what: string): Tensor {
  if (t === null) throw new Error(`BertForPreTraining gave no ${what} although labels were passed`);
  return t;
}

/** One forward pass with both labels: the loss to minimise and the weighted metrics. */
export function pretrainingStep(model: BertForPreTraining, batch: PretrainingBatch): StepOutput {
  const out = model.forward({
    inputIds: batch.inputIds,
    tokenTypeIds: batch.tokenTypeIds,
    attentionMask: batch.attentionMask,
    labels: batch.labels,
    nextSentenceLabel: batch.nextSentenceLabel,
    labelledPositionsOnly: true,
  });
  const loss = scalar(out.loss, "loss");
  const c = countHits(out, batch);
  return {
    loss,
    metrics: {
      // With nothing predicted the MLM loss is NaN (as in PyTorch): logged as 0 with weight 0, so that it
      // does not poison a weighted mean (NaN × 0 is NaN). The loss to minimise is NaN then, as in PyTorch.
      mlm_loss: { value: c.predicted > 0 ? scalar(out.mlmLoss, "MLM loss").item() : 0, weight: c.predicted },
      nsp_loss: { value: scalar(out.nspLoss, "NSP loss").item(), weight: c.rows },
      masked_accuracy: { value: c.predicted > 0 ? c.correct / c.predicted : 0, weight: c.predicted },
      nsp_accuracy: { value: c.rows > 0 ? c.nspCorrect / c.rows : 0, weight: c.rows },
    },
    tokens: c.tokens,
  };
}

export interface PretrainingTaskOptions {
  /** Dynamic masking of training batches (`{ vocab: maskingVocab(tokenizer), options: maskingRecipe(data.manifest) }`); without it the shards' static masks are used as stored. */
  masking?: DynamicMasking | null;
}

/** The `TrainTask` for `BertForPreTraining` on shard rows. */
export function pretrainingTask(options: PretrainingTaskOptions = {}): TrainTask<BertForPreTraining, PretrainingBatch> {
  const masking = options.masking ?? null;
  const task: TrainTask<BertForPreTraining, PretrainingBatch> = { step: pretrainingStep, progressMetrics: ["mlm_loss", "nsp_loss", "masked_accuracy"] };
  if (masking !== null) task.augment = (batch: PretrainingBatch, rng: Rng): PretrainingBatch => remaskBatch(batch, masking, rng);
  return task;
}
