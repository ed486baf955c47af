/**
 * A progress reporter that keeps every step's log line (for the summary's "loss 8.9 → 5.6") and passes all
 * events on to a progress bar when there is one. The bar is the trainer's own (src/train/progress.ts).
 */
import { progressBar, type ProgressReporter, type ProgressStream } from "../train/progress.js";
import type { StepLog } from "../train/train-log.js";

export class StepRecorder implements ProgressReporter {
  readonly steps: StepLog[] = [];
  private readonly bar: ProgressReporter | null;

  /** `stream`: where the bar goes, or null for none; `shown`: the task metrics it shows. */
  constructor(stream: ProgressStream | null, shown?: readonly string[]) {
    this.bar = stream === null || stream.isTTY !== true ? null : progressBar(stream, shown);
  }

  start(from: number, to: number): void {
    this.bar?.start?.(from, to);
  }

  step(line: StepLog): void {
    this.steps.push(line);
    this.bar?.step?.(line);
  }

  note(text: string): void {
    this.bar?.note?.(text);
  }

  stop(): void {
    this.bar?.stop?.();
  }

  /** Mean of `pick` over the first (`from: "start"`) or last `n` steps recorded; NaN with no steps. */
  mean(pick: (line: StepLog) => number | undefined, n: number, from: "start" | "end"): number {
    const lines = from === "start" ? this.steps.slice(0, n) : this.steps.slice(-n);
    const values = lines.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length === 0 ? Number.NaN : values.reduce((s, v) => s + v, 0) / values.length;
  }
}
