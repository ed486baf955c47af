/**
 * The trainer's random streams, each derived from the one `seed` option so that they never overlap:
 * dropout (nn's default stream, reseeded when a run starts), augmentation (the task's dynamic masking) and
 * the data order (one shuffle per epoch, each drawn from its own stream so that resuming needs only the epoch).
 */
import { InputError } from "../errors.js";

export const STREAM = { dropout: 1, augment: 2, shuffle: 3 } as const;

/** Checks a user seed: an integer in [0, 2³²). */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  return seed;
}

/** A 32-bit seed for stream `stream` (and index, e.g. the epoch) of `seed`: a murmur-style mix of the three. */
export function streamSeed(seed: number, stream: number, index = 0): number {
  let h = (seed >>> 0) ^ Math.imul(stream, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}
