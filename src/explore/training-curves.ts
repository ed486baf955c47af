/**
 * The training panel's curves from a pretrain/finetune log (read by src/report/training-log.ts): every metric of
 * the step lines except the learning-rate bookkeeping, and every metric of the evaluation lines prefixed "eval ".
 */
import { readTrainingLog, type LogPoint } from "../report/training-log.js";
import type { TrainingCurve } from "./explore-data.js";

/** Logged numbers that are not a model's quality. */
const NOT_CURVES = new Set(["lr", "epoch", "tokens", "seconds", "elapsed", "grad_norm", "samples"]);

function curvesOf(points: readonly LogPoint[], prefix: string): TrainingCurve[] {
  const byName = new Map<string, Array<[number, number]>>();
  for (const p of points) {
    for (const [name, value] of Object.entries(p.values)) {
      if (NOT_CURVES.has(name)) continue;
      const list = byName.get(prefix + name) ?? [];
      list.push([p.step, value]);
      byName.set(prefix + name, list);
    }
  }
  return [...byName].map(([name, list]) => ({ name, points: list }));
}

export function trainingCurves(path: string): TrainingCurve[] {
  const log = readTrainingLog(path);
  return [...curvesOf(log.steps, ""), ...curvesOf(log.evals, "eval ")];
}
