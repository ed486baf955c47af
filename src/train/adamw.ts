/**
 * AdamW with decoupled weight decay, as torch.optim.AdamW: per-parameter first and second moments,
 * bias correction, and a weight decay per parameter group (which parameters go in which group is the
 * model's business). The update itself is a backend kernel.
 */
import { kernelsFor } from "../backend/registry.js";
import { InputError } from "../errors.js";
import type { FloatArray } from "../backend/kernels.js";
import type { Parameter } from "../nn/parameter.js";
import { allocFloat } from "../tensor/tensor.js";

export interface AdamWOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** Parameters that share one weight decay. */
export interface ParamGroup {
  params: Parameter[];
  weightDecay: number;
}

interface State {
  m: FloatArray;
  v: FloatArray;
}

/** What a checkpoint keeps of the optimizer: the update count and each parameter's moments, by name. */
export interface AdamWState {
  step: number;
  /** First (`m`, torch's exp_avg) and second (`v`, exp_avg_sq) moments; parameters never updated have none. */
  moments: Map<string, { m: FloatArray; v: FloatArray }>;
}

export class AdamW {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  stepCount = 0;
  private readonly state = new Map<Parameter, State>();

  constructor(readonly groups: ParamGroup[], options: AdamWOptions) {
    if (!(options.lr >= 0)) throw new InputError(`AdamW: learning rate ${options.lr} must be ≥ 0`);
    this.lr = options.lr;
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
  }

  /** Applies one update from the parameters' gradients (scaled by `gradScale`, e.g. for clipping). */
  step(gradScale = 1): void {
    this.stepCount++;
    for (const group of this.groups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        const param = p.floats("AdamW");
        let s = this.state.get(p);
        if (s === undefined) {
          s = { m: allocFloat(p.floatDType, p.size), v: allocFloat(p.floatDType, p.size) };
          this.state.set(p, s);
        }
        kernelsFor(p.floatDType).adamw({
          param, grad: p.grad.floats("AdamW"), m: s.m, v: s.v, lr: this.lr, beta1: this.betas[0], beta2: this.betas[1],
          eps: this.eps, weightDecay: group.weightDecay, step: this.stepCount, gradScale,
        });
        p.markModified();
      }
    }
  }

  /**
   * The state by parameter name (`named`: the model's `namedParameters()`). The moment arrays are the
   * optimizer's own, not copies: serialize them before the next `step`.
   */
  stateDict(named: Iterable<readonly [string, Parameter]>): AdamWState {
    const moments = new Map<string, { m: FloatArray; v: FloatArray }>();
    for (const [name, p] of named) {
      const s = this.state.get(p);
      if (s !== undefined) moments.set(name, { m: s.m, v: s.v });
    }
    return { step: this.stepCount, moments };
  }

  /**
   * Continues from a `stateDict` (copied in). Every name must be one of `named` in this optimizer's groups,
   * with as many values as the parameter; parameters without moments start fresh.
   */
  loadStateDict(named: Iterable<readonly [string, Parameter]>, state: AdamWState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new InputError(`AdamW state: step ${state.step} must be a non-negative integer`);
    const mine = new Set(this.groups.flatMap((g) => g.params));
    const byName = new Map<string, Parameter>();
    for (const [name, p] of named) if (mine.has(p)) byName.set(name, p);
    for (const [name, { m, v }] of state.moments) {
      const p = byName.get(name);
      if (p === undefined) throw new InputError(`AdamW state has moments for "${name}", which is not a parameter of this optimizer`);
      if (m.length !== p.size || v.length !== p.size) {
        throw new InputError(`AdamW state for "${name}" has ${m.length}/${v.length} values, the parameter has ${p.size}`);
      }
    }
    this.state.clear();
    for (const [name, p] of byName) {
      const saved = state.moments.get(name);
      if (saved === undefined) continue;
      const s = { m: allocFloat(p.floatDType, p.size), v: allocFloat(p.floatDType, p.size) };
      s.m.set(saved.m);
      s.v.set(saved.v);
      this.state.set(p, s);
    }
    this.stepCount = state.step;
  }

  zeroGrad(): void {
    for (const group of this.groups) for (const p of group.params) p.zeroGrad();
  }
}

/** Global L2 norm of all gradients, and the factor that clips it to `maxNorm` (1 when already within). */
export function clipGradNorm(params: Parameter[], maxNorm: number): { norm: number; scale: number } {
  let sq = 0;
  for (const p of params) if (p.grad !== null) sq += kernelsFor(p.floatDType).sumSquares(p.grad.floats("clipGradNorm"));
  const norm = Math.sqrt(sq);
  // torch.nn.utils.clip_grad_norm_: coefficient max_norm / (norm + 1e-6), clamped to 1.
  return { norm, scale: Math.min(1, maxNorm / (norm + 1e-6)) };
}
