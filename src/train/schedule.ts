/** Learning-rate schedules as functions of the 0-based step. */

/** Linear warm-up from 0 to `peak` over `warmup` steps, then linear decay to 0 at `total` (transformers' get_linear_schedule_with_warmup). */
export function linearWarmupDecay(peak: number, warmup: number, total: number): (step: number) => number {
  return (step) => {
    if (step < warmup) return (peak * step) / Math.max(1, warmup);
    return peak * Math.max(0, (total - step) / Math.max(1, total - warmup));
  };
}
