/**
 * The default random stream for initialisation and dropout, like PyTorch's global generator:
 * `manualSeed(n)` makes every following initialisation and dropout mask reproducible;
 * `defaultRngState()` / `restoreDefaultRng(state)` save and resume it exactly (training checkpoints).
 */
import { Rng } from "../tensor/random.js";

let rng = new Rng(0);

export function manualSeed(seed: number): void {
  rng = new Rng(seed);
}

export function defaultRng(): Rng {
  return rng;
}

/** The default stream's state (see `Rng.state()`), for a checkpoint. */
export function defaultRngState(): number[] {
  return rng.state();
}

/** Continues the default stream from a state saved by `defaultRngState()`. */
export function restoreDefaultRng(state: readonly number[]): void {
  rng.restore(state);
}
