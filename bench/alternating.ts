/**
 * Timing helpers for benchmarks whose engines take turns in one process, call by call (bench/kernels.ts,
 * bench/low-precision-kernels.ts): the host's slow spells last seconds, so paired ratios of neighbouring calls
 * say more than two separate averages.
 */

/** Blocks the thread for `ms` (idle threads of the other engine stop spinning meanwhile). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The fastest of `calls` runs of `fn`, in seconds. */
export function bestSeconds(fn: () => void, calls: number): number {
  let best = Infinity;
  for (let r = 0; r < calls; r++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
