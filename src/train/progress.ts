/**
 * How a run reports as it goes. The default is a cli-progress bar on stderr when it is a terminal — step,
 * loss, the task's metrics, lr, tokens/s, ETA — and nothing otherwise (the JSONL log is the record);
 * tests and programs pass their own reporter.
 */
import { MultiBar, type SingleBar } from "cli-progress";
import type { EvalLog, StepLog } from "./train-log.js";

export interface ProgressReporter {
  /** Before the first step: the step the run starts from (0, or the resumed checkpoint's) and the last one. */
  start?(from: number, to: number): void;
  /** After each optimizer step, with its log line. */
  step?(line: StepLog): void;
  eval?(line: EvalLog): void;
  /** One-line notes: resumed from…, saved…, interrupted… */
  note?(text: string): void;
  /** When the run ends, however it ends. */
  stop?(): void;
}

export const silentProgress: ProgressReporter = {};

/**
 * Where a bar is drawn: a writable stream such as `process.stderr`. Written out here rather than as Node's stream
 * type so that bertkit's published types do not need @types/node.
 */
export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
}

/** `shown`: which task metrics the bar shows (default: all). */
export function defaultProgress(shown?: readonly string[], stream: ProgressStream = process.stderr): ProgressReporter {
  return stream.isTTY === true ? progressBar(stream, shown) : silentProgress;
}

export function progressBar(stream: ProgressStream, shown?: readonly string[]): ProgressReporter {
  const multi = new MultiBar({
    // cli-progress types its option as Node's stream; it calls write() and reads isTTY/columns, which ProgressStream names.
    stream: stream as NodeJS.WritableStream, gracefulExit: false, hideCursor: false, etaBuffer: 50, fps: 5,
    format: "step {value}/{total} |{bar}| loss {loss}{metrics} | lr {lr} | {tps} tok/s | ETA {eta_formatted}",
  });
  let bar: SingleBar | null = null;
  const blank = { loss: "-", metrics: "", lr: "-", tps: "-" };
  return {
    start(from, to) {
      bar = multi.create(to, from, blank);
    },
    step(line) {
      const metrics = Object.entries(line.metrics).filter(([name]) => shown === undefined || shown.includes(name));
      bar?.update(line.step, {
        loss: line.loss.toFixed(4),
        metrics: metrics.map(([name, value]) => ` ${name} ${formatMetric(value)}`).join(""),
        lr: line.lr.toExponential(2),
        tps: Math.round(line.tokens_per_s).toString(),
      });
    },
    eval(line) {
      const metrics = Object.entries(line.metrics).map(([name, value]) => `, ${name} ${formatMetric(value)}`).join("");
      multi.log(`eval at step ${line.step}: loss ${line.loss.toFixed(4)}${metrics}\n`);
    },
    note(text) {
      multi.log(`${text}\n`);
    },
    stop() {
      multi.update(); // notes are buffered until the next redraw: flush them
      multi.stop();
    },
  };
}

function formatMetric(value: number): string {
  return Math.abs(value) >= 1000 ? value.toFixed(0) : value.toFixed(4);
}
