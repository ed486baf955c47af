/**
 * Reverse-mode autograd. Ops call `record` to attach a GradNode to their result; `backward` walks the
 * graph from a scalar in reverse topological order, accumulates gradients, stores them on leaves
 * (`requiresGrad` tensors without a gradFn, i.e. parameters), and releases each node's saved tensors
 * once it has run, so activations are freed as the backward pass goes.
 */
import type { FloatArray } from "../backend/kernels.js";
import { kernelsFor } from "../backend/registry.js";
import { InputError } from "../errors.js";
import { fmt } from "./shape.js";
import { bufferPool } from "./pool.js";
import { untracked } from "./scope.js";
import { allocFloat, Tensor } from "./tensor.js";

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording the graph (inference). */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Whether an op on `inputs` will be recorded for a backward pass (an op may then skip what only the backward needs). */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  return gradEnabled && inputs.some((t) => t.requiresGrad);
}

/**
 * Makes `out` the result of a differentiable op on `inputs` when any of them needs a gradient.
 * The backward rule is required: an op without one does not compile.
 */
export function record(
  out: Tensor, op: string, inputs: Tensor[],
  backward: (gradOut: FloatArray) => (FloatArray | null)[],
): Tensor {
  if (needsGrad(inputs)) {
    out.requiresGrad = true;
    out.gradFn = { op, inputs, backward };
  }
  return out;
}

function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative DFS (graphs of deep models overflow the call stack when recursive).
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop() as [Tensor, boolean];
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const input of t.gradFn?.inputs ?? []) if (input.requiresGrad && !seen.has(input)) stack.push([input, false]);
  }
  return order; // inputs before the tensors made from them
}

/**
 * Back-propagates from `root` (a scalar unless `gradOut` is given). Gradients accumulate into the
 * `.grad` of leaves; the graph is released as it is consumed, so call it once per forward pass.
 */
export function backward(root: Tensor, gradOut?: Tensor): void {
  if (!root.requiresGrad) throw new InputError(`backward(): ${root} does not require a gradient (was it computed under noGrad?)`);
  if (gradOut === undefined && root.size !== 1) {
    throw new InputError(`backward(): ${root} is not a scalar; pass the gradient of the output explicitly`);
  }
  if (gradOut !== undefined && gradOut.size !== root.size) {
    throw new InputError(`backward(): gradient ${fmt(gradOut.shape)} does not match output ${fmt(root.shape)}`);
  }
  const dtype = root.floatDType;
  const grads = new Map<Tensor, FloatArray>();
  const seed = allocFloat(dtype, root.size);
  if (gradOut === undefined) seed[0] = 1;
  else seed.set(gradOut.floats("backward"));
  grads.set(root, seed);

  const order = topologicalOrder(root);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    const node = t.gradFn;
    if (node === null) {
      accumulateLeaf(t, g);
      continue;
    }
    if (node.backward === null) throw new InputError(`backward(): the graph through ${node.op} was already released; run the forward pass again`);
    const inputGrads = node.backward(g);
    const used = new Set<FloatArray>();
    node.inputs.forEach((input, k) => {
      let gi = inputGrads[k];
      if (gi === null || gi === undefined || !input.requiresGrad) return;
      // A rule may pass its incoming gradient through (add, reshape) to several inputs: each array may be
      // owned by one input only, since it is accumulated into in place later.
      if (used.has(gi)) {
        const copy = bufferPool.take(dtype, gi.length, false); // from the pool, as it goes back there
        copy.set(gi);
        gi = copy;
      }
      used.add(gi);
      const existing = grads.get(input);
      if (existing === undefined) {
        grads.set(input, gi);
      } else {
        kernelsFor(dtype).accumulate(existing, gi);
        bufferPool.give(gi);
      }
    });
    // This tensor's gradient is consumed; unless a rule passed it on, its buffer is free now.
    if (!used.has(g)) bufferPool.give(g);
    node.backward = null;
    node.inputs = [];
  }
}

function accumulateLeaf(t: Tensor, g: FloatArray): void {
  if (t.grad === null) {
    t.grad = untracked(() => new Tensor(g, t.shape)); // outlives the step that made it
  } else {
    kernelsFor(t.floatDType).accumulate(t.grad.floats("backward"), g);
    bufferPool.give(g);
  }
}
