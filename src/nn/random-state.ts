/**
 * The default random stream for initialisation and dropout, like PyTorch's global generator:
 * `manualSeed(n)` makes every following initialisation and dropout mask reproducible.
 */
import { Rng } from "../tensor/random.js";

let rng = new Rng(0);

export function manualSeed(seed: number): void {
  rng = new Rng(seed);
}

export function defaultRng(): Rng {
  return rng;
}
