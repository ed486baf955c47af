/** Initialisers, as Hugging Face's `BertPreTrainedModel._init_weights` uses them. */
import type { Rng } from "../tensor/random.js";
import type { Parameter } from "./parameter.js";

export function normal_(p: Parameter, std: number, rng: Rng): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal() * std;
  p.markModified();
}

export function constant_(p: Parameter, value: number): void {
  p.data.fill(value);
  p.markModified();
}
