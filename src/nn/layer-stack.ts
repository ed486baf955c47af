/**
 * Running a stack of layers, each on the previous one's output — and the memory lifetime that goes with it,
 * which is the engine's business, not the model's. Without autograd nothing needs a layer's intermediates
 * once it is done, so each layer runs in a memory scope of its own and only the tensors it returns survive:
 * activation memory of one layer, not L. A layer's result is released in turn once the next layer has run,
 * unless the caller keeps the results (`keepResults`, for hidden states or attentions). With autograd the
 * backward pass needs them all, so none is released.
 */
import { isGradEnabled } from "../tensor/autograd.js";
import { releaseNow, scope } from "../tensor/scope.js";
import { Tensor } from "../tensor/tensor.js";

/** Every tensor in a layer's result: the result itself, or the fields of an object (one level). */
function tensorsIn(result: Tensor | object): Tensor[] {
  if (result instanceof Tensor) return [result];
  return Object.values(result).filter((v): v is Tensor => v instanceof Tensor);
}

export interface RunLayersOptions<S> {
  /** Sees each layer's result outside the layer's scope. */
  after?: (state: S, index: number) => void;
  /** `after` keeps the results it sees (hidden states, attentions): none is released early. */
  keepResults?: boolean;
}

/** `state = step(layer, state)` for each layer in order. Returns the last state. */
export function runLayers<L, S extends Tensor | object>(
  layers: readonly L[], initial: S, step: (layer: L, state: S) => S, options: RunLayersOptions<S> = {},
): S {
  const scoped = !isGradEnabled();
  let state = initial;
  layers.forEach((layer, i) => {
    const input = state;
    state = scoped ? scope(() => step(layer, input), tensorsIn) : step(layer, input);
    options.after?.(state, i);
    // The first input is the caller's; later ones are results of this loop that nothing reads any more.
    if (scoped && i > 0 && options.keepResults !== true) releaseNow(tensorsIn(input), tensorsIn(state));
  });
  return state;
}

/**
 * `fn()`, whose intermediates are released as soon as it returns when autograd is off (only the tensors of its
 * result survive) — for a block outside the layer stack, such as the embeddings' sums before their LayerNorm.
 */
export function releasingIntermediates<S extends Tensor | object>(fn: () => S): S {
  return isGradEnabled() ? fn() : scope(fn, tensorsIn);
}
