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
