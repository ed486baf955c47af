/**
 * One optimizer step: `gradAccum` micro-batches, each in its own memory scope (collate → augment → the
 * task's forward and loss → backward, the loss scaled by 1/gradAccum so the gradients are those of one
 * batch gradAccum times as large), then — in the order that reproduces Hugging Face's trajectory
 * (test/train/adamw.test.ts) — the global gradient norm and clip factor, `lr = schedule(step)`, the AdamW
 * update, and the gradients dropped. A NaN or infinite loss or norm stops before the weights change.
 */
import { BertkitError, InputError } from "../errors.js";
import type { Module } from "../nn/module.js";
import type { Parameter } from "../nn/parameter.js";
import { backward } from "../tensor/autograd.js";
import type { Rng } from "../tensor/random.js";
import { scope } from "../tensor/scope.js";
import { full } from "../tensor/tensor.js";
import { clipGradNorm, type AdamW } from "./adamw.js";
import type { DataOrder } from "./data-order.js";
import { MetricMeans } from "./metrics.js";
import type { Dataset, TrainTask } from "./task.js";

/** Training stopped because a loss or gradient norm was NaN or infinite. */
export class NonFiniteError extends BertkitError {
  override readonly name = "NonFiniteError";
  constructor(readonly step: number, readonly quantity: "loss" | "gradient norm", readonly value: number, detail = "") {
    super(`training stopped at step ${step}: the ${quantity} is ${value}${detail}`);
  }
}

export interface StepParts<M extends Module, B> {
  model: M;
  task: TrainTask<M, B>;
  data: Dataset<B>;
  order: DataOrder;
  optimizer: AdamW;
  /** Every parameter of the model (gradients are clipped over and dropped from all of them). */
  params: Parameter[];
  batchSize: number;
  gradAccum: number;
  /** Global-norm maximum, or null for no clipping. */
  clip: number | null;
  augmentRng: Rng;
  schedule: (step: number) => number;
}

export interface StepResult {
  /** Mean of the micro-batches' losses. */
  loss: number;
  metrics: Record<string, number>;
  lr: number;
  /** Before clipping. */
  gradNorm: number;
  tokens: number;
}

/** Runs optimizer step number `step0 + 1`. */
export function optimizerStep<M extends Module, B>(parts: StepParts<M, B>, step0: number): StepResult {
  const { model, task, data, order, optimizer, params, batchSize, gradAccum } = parts;
  const step = step0 + 1;
  const means = new MetricMeans();
  let lossSum = 0;
  let tokens = 0;
  try {
    for (let micro = 0; micro < gradAccum; micro++) {
      const rows = order.next(batchSize);
      const out = scope(() => {
        let batch = data.batch(rows);
        if (task.augment !== undefined) batch = task.augment(batch, parts.augmentRng);
        const { loss, metrics, tokens } = task.step(model, batch);
        const value = loss.item();
        if (!Number.isFinite(value)) throw new NonFiniteError(step, "loss", value);
        backward(loss, gradAccum === 1 ? undefined : full(loss.shape, 1 / gradAccum, loss.floatDType));
        return { value, metrics, tokens };
      });
      lossSum += out.value;
      tokens += out.tokens;
      means.add(out.metrics);
    }
    const { norm, scale } = clipGradNorm(params, parts.clip ?? Infinity);
    if (!Number.isFinite(norm)) throw new NonFiniteError(step, "gradient norm", norm);
    const lr = parts.schedule(step0);
    if (!(lr >= 0 && Number.isFinite(lr))) throw new InputError(`the learning-rate schedule gave ${lr} at step ${step}; it must be a finite number ≥ 0`);
    optimizer.lr = lr;
    optimizer.step(scale);
    return { loss: lossSum / gradAccum, metrics: means.means(), lr, gradNorm: norm, tokens };
  } finally {
    for (const p of params) p.zeroGrad();
  }
}
