/**
 * One pass over an evaluation data set: rows in order, the model in eval mode (dropout off) without
 * autograd, each batch in a memory scope; the loss averaged over rows and each metric by its weights.
 * Every module's mode is put back afterwards.
 */
import { InputError } from "../errors.js";
import type { Module } from "../nn/module.js";
import { noGrad } from "../tensor/autograd.js";
import { scope } from "../tensor/scope.js";
import { MetricMeans } from "./metrics.js";
import type { Dataset, TrainTask } from "./task.js";

export interface EvalResult {
  loss: number;
  metrics: Record<string, number>;
}

export function evaluate<M extends Module, B>(model: M, task: TrainTask<M, B>, data: Dataset<B>, batchSize: number): EvalResult {
  if (data.size < 1) throw new InputError("the evaluation data has no rows");
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`evaluation batch size must be a positive integer, got ${batchSize}`);
  const modes = model.namedModules().map(([, m]) => [m, m.training] as const);
  model.eval();
  try {
    const means = new MetricMeans();
    let lossTotal = 0;
    for (let start = 0; start < data.size; start += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
      const { loss, metrics } = scope(() => noGrad(() => {
        const out = task.step(model, data.batch(rows));
        return { loss: out.loss.item(), metrics: out.metrics };
      }));
      lossTotal += loss * rows.length;
      means.add(metrics);
    }
    return { loss: lossTotal / data.size, metrics: means.means() };
  } finally {
    for (const [m, training] of modes) m.training = training;
  }
}
