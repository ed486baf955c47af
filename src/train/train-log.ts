/**
 * The training log: JSON lines appended as the run goes, one per optimizer step
 * (`{"step","loss",…metrics,"lr","grad_norm","tokens_per_s","epoch"}`) and one per evaluation
 * (`{"eval":true,"step","loss",…metrics}`). A resumed run first cuts the log back to its checkpoint's step,
 * so the log of an interrupted and resumed run reads like that of an uninterrupted one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { writeFileAtomic } from "../util/atomic-write.js";

export interface StepLog {
  /** Optimizer steps done, from 1. */
  step: number;
  /** Mean training loss over the step's micro-batches. */
  loss: number;
  /** The task's metrics, each the weighted mean over the micro-batches. */
  metrics: Record<string, number>;
  /** Learning rate this step used. */
  lr: number;
  /** Global gradient norm before clipping. */
  grad_norm: number;
  tokens_per_s: number;
  /** Epochs done, as a fraction. */
  epoch: number;
}

export interface EvalLog {
  step: number;
  loss: number;
  metrics: Record<string, number>;
}

export function stepRecord(s: StepLog): Record<string, number> {
  return { step: s.step, loss: s.loss, ...s.metrics, lr: s.lr, grad_norm: s.grad_norm, tokens_per_s: s.tokens_per_s, epoch: s.epoch };
}

export function evalRecord(e: EvalLog): Record<string, number | boolean> {
  return { eval: true, step: e.step, loss: e.loss, ...e.metrics };
}

export class TrainLog {
  private constructor(private readonly fd: number | null) {}

  /**
   * Opens `path` for appending after keeping only its lines with `step ≤ keepThroughStep` (0: a new, empty
   * log). A line cut short by a crash is dropped. `null`: no log.
   */
  static open(path: string | null, keepThroughStep: number): TrainLog {
    if (path === null) return new TrainLog(null);
    const kept = keepThroughStep > 0 && existsSync(path) ? keptLines(readFileSync(path, "utf8"), keepThroughStep) : "";
    writeFileAtomic(path, kept);
    return new TrainLog(openSync(path, "a"));
  }

  step(line: StepLog): void {
    this.write(stepRecord(line));
  }

  eval(line: EvalLog): void {
    this.write(evalRecord(line));
  }

  /** Makes the lines so far durable (before a checkpoint that they belong to). */
  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
  }

  private write(record: Record<string, number | boolean>): void {
    if (this.fd !== null) writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }
}

function keptLines(text: string, keepThroughStep: number): string {
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  let out = "";
  for (const line of complete.split("\n")) {
    if (line.trim() === "") continue;
    let step: unknown;
    try {
      step = (JSON.parse(line) as { step?: unknown }).step;
    } catch {
      continue; // not a log line (e.g. garbage after a crash)
    }
    if (typeof step === "number" && step <= keepThroughStep) out += `${line}\n`;
  }
  return out;
}
