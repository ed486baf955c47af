/**
 * Initialisers, as Hugging Face's `BertPreTrainedModel._init_weights` uses them — and deferred draws for loaders:
 * a model built inside `deferNormalDraws` marks where each normal draw lies in the random stream and skips past it
 * (lazily: `Rng.skipNormals`), so a checkpoint that replaces a weight costs no draw and, for inference, no step of the
 * stream either (about half of loading BERT-base went to drawing weights that were overwritten, then a quarter to
 * stepping past them), while `drawPending` makes the ones it did not replace (a new head) exactly as they would have
 * been drawn: the same model, bit for bit, as building it eagerly and then loading.
 */
import { Rng, type RngMark } from "../tensor/random.js";
import type { Parameter } from "./parameter.js";

/** A normal draw not made yet: where it lies in the stream, its scale, and what the initialiser does after it. */
interface PendingDraw {
  at: RngMark;
  std: number;
  then: (() => void) | undefined;
}

const pending = new WeakMap<Parameter, PendingDraw>();
let deferring = 0;

function draw(p: Parameter, std: number, rng: Rng, then: (() => void) | undefined): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal() * std;
  then?.();
  p.markModified();
}

/** N(0, std²) values, then `then` (e.g. zero a padding row); inside `deferNormalDraws`, noted for later instead. */
export function normal_(p: Parameter, std: number, rng: Rng, then?: () => void): void {
  if (deferring === 0) {
    draw(p, std, rng, then);
    return;
  }
  pending.set(p, { at: rng.mark(), std, then });
  rng.skipNormals(p.data.length);
}

export function constant_(p: Parameter, value: number): void {
  p.data.fill(value);
  p.markModified();
}

/**
 * Runs `build` (a model constructor) with its normal draws deferred: until `drawPending`, those parameters hold
 * zeros. Every draw that `build` or anything after it makes from the same stream is what it would have been.
 */
export function deferNormalDraws<T>(build: () => T): T {
  deferring++;
  try {
    return build();
  } finally {
    deferring--;
  }
}

/** A loader filled `p`: its deferred draw, if any, is never made. */
export function cancelPendingDraw(p: Parameter): void {
  pending.delete(p);
}

/** Makes the deferred draws of `params` that no loader cancelled, exactly as `normal_` would have made them. */
export function drawPending(params: Iterable<Parameter>): void {
  for (const p of params) {
    const d = pending.get(p);
    if (d === undefined) continue;
    pending.delete(p);
    draw(p, d.std, Rng.fromMark(d.at), d.then);
  }
}
