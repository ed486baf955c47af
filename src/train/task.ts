/**
 * What the trainer is given, and knows nothing beyond: a model, data sets that batch rows, and a task that
 * turns (model, batch) into a loss and numbers to log. BERT lives in the task (pre-training: MLM + NSP;
 * fine-tuning: one per head), never here.
 */
import type { Module } from "../nn/module.js";
import type { Rng } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * `size` rows; `batch(rows)` collates the rows at those indices (the trainer owns the order and shuffling).
 * The trainer calls it inside the step's memory scope: tensors it makes there are released when the step
 * ends, so a float tensor must own its buffer (a copy, not a view into a larger array kept by the data set).
 */
export interface Dataset<B> {
  readonly size: number;
  batch(rows: readonly number[]): B;
}

/** What a task computes on one batch. */
export interface StepOutput {
  /** The scalar to minimise, recorded by autograd in training. */
  loss: Tensor;
  /**
   * Numbers to log (e.g. mlm_loss, nsp_loss, masked_accuracy), each with its weight for averaging over
   * accumulated micro-batches and evaluation batches (e.g. the number of predicted tokens).
   */
  metrics: Record<string, { value: number; weight: number }>;
  /** Real (non-padding) tokens in the batch, for tokens/s. */
  tokens: number;
}

export interface TrainTask<M extends Module, B> {
  /** Forward pass with the loss; the trainer wraps it in a memory scope and calls backward on `loss`. */
  step(model: M, batch: B): StepOutput;
  /**
   * Optional per-batch change drawn from the trainer's seeded, checkpointed stream (dynamic masking):
   * applied to training batches only, before `step`.
   */
  augment?(batch: B, rng: Rng): B;
  /** Which of the metrics the progress bar shows (default: all of them); the log always has all. */
  readonly progressMetrics?: readonly string[];
}
