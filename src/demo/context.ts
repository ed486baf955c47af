/**
 * What every stage of the demo is handed: where to write, how to print, where progress bars go, and the
 * numbers it runs with. Results are lines for a person (standard output in the CLI); progress bars are drawn
 * on a separate stream (standard error in the CLI) only when it is a terminal, so a captured run stays clean.
 */
import type { ProgressStream } from "../train/progress.js";
import type { DemoSettings } from "./settings.js";

export interface DemoContext {
  out: string;
  settings: DemoSettings;
  /** One line of results. */
  print: (line: string) => void;
  /** Where bars are drawn; null: no bars. */
  progress: ProgressStream | null;
  /** Aborting it stops a training run like Ctrl-C (after its current step, with a checkpoint). */
  signal?: AbortSignal;
}

/** Thrown by a stage whose training run was stopped (Ctrl-C): the demo ends there, with its summary so far. */
export class DemoStopped extends Error {
  constructor(readonly reason: string) {
    super(`stopped by ${reason}`);
  }
}

/** "12.3 s", "4 min 05 s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - 60 * minutes)).padStart(2, "0")} s`;
}

/** A probability as a percentage for people: "31%", "4.2%", "0.03%". */
export function formatPercent(p: number): string {
  const x = 100 * p;
  if (x >= 10) return `${x.toFixed(0)}%`;
  if (x >= 1) return `${x.toFixed(1)}%`;
  return `${x.toFixed(2)}%`;
}

/** "842 KB" (decimal units, as file sizes are usually shown). */
export function formatBytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} KB`;
}

/** "1.2 M", "850 K". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} K`;
  return String(n);
}
