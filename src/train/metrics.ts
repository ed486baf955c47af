/** Weighted means of a task's metrics over micro-batches or evaluation batches. */
import { InputError } from "../errors.js";
import type { StepOutput } from "./task.js";

/** Names the trainer writes itself on a log line; a task metric may not take them. */
const RESERVED = new Set(["step", "loss", "lr", "grad_norm", "tokens_per_s", "epoch", "eval"]);

export class MetricMeans {
  private readonly sums = new Map<string, { total: number; weight: number }>();

  add(metrics: StepOutput["metrics"]): void {
    for (const name in metrics) {
      const { value, weight } = metrics[name];
      if (RESERVED.has(name)) throw new InputError(`the task's metric "${name}" has the name of a field the trainer logs; rename it`);
      if (!(weight >= 0)) throw new InputError(`the task's metric "${name}" has weight ${weight}; weights must be ≥ 0`);
      const s = this.sums.get(name);
      if (s === undefined) this.sums.set(name, { total: value * weight, weight });
      else {
        s.total += value * weight;
        s.weight += weight;
      }
    }
  }

  /** Each metric's weighted mean; metrics with no weight at all are left out. */
  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, { total, weight }] of this.sums) if (weight > 0) out[name] = total / weight;
    return out;
  }
}
