/** Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p). */
import { InputError } from "../../errors.js";
import type { Rng } from "../random.js";
import { kernelsFor } from "../../backend/registry.js";
import { allocOutput, Tensor } from "../tensor.js";
import { mul } from "./binary.js";

export function dropout(x: Tensor, p: number, rng: Rng): Tensor {
  if (!(p >= 0 && p < 1)) throw new InputError(`dropout: probability ${p} must be in [0, 1)`);
  if (p === 0) return x;
  const mask = allocOutput(x.floatDType, x.size);
  kernelsFor(x.floatDType).dropoutMask(mask, p, rng.nextUint32());
  return mul(x, new Tensor(mask, x.shape));
}
