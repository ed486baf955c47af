/**
 * Finite-difference gradient checking in float64 on the reference backend (micrograd/tinygrad style):
 * the analytic gradient of L = Σ w ⊙ f(inputs), with fixed random weights w, against central differences.
 */
import { backward } from "../../src/tensor/autograd.js";
import { Rng } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { mul } from "../../src/tensor/ops/binary.js";
import { sum } from "../../src/tensor/ops/reduce.js";

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal() * scale;
  const t = new Tensor(data, shape);
  t.requiresGrad = true;
  return t;
}

/** Returns the largest |analytic − numeric| / max(1, |numeric|) over every input element. */
export function gradCheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], seed = 1, h = 1e-6): number {
  const rng = new Rng(seed);
  const probe = fn(...inputs);
  const w = new Tensor(Float64Array.from({ length: probe.size }, () => rng.normal()), probe.shape);
  const loss = (): Tensor => sum(mul(fn(...inputs), w));
  for (const x of inputs) x.grad = null;
  backward(loss());
  let worst = 0;
  for (const x of inputs) {
    if (!x.requiresGrad) continue;
    const analytic = x.grad?.data;
    if (!analytic) throw new Error(`no gradient reached input ${x}`);
    for (let i = 0; i < x.size; i++) {
      const keep = x.data[i];
      x.data[i] = keep + h;
      const up = loss().item();
      x.data[i] = keep - h;
      const down = loss().item();
      x.data[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric)));
    }
  }
  return worst;
}
