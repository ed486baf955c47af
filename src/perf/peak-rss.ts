/**
 * Peak resident memory of this process in MiB. Linux's VmHWM is reset by exec, unlike getrusage's
 * ru_maxrss, which a child started by a large parent inherits (so benchmarks run as child processes
 * would report the parent's peak). Elsewhere, fall back to ru_maxrss.
 */
import { readFileSync } from "node:fs";

export function peakRssMiB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
