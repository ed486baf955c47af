/**
 * BERT's weight-decay rule for AdamW: biases and LayerNorm weights are not decayed. It names BERT's parameters,
 * so it lives with BERT; the optimizer (train/) only sees the resulting groups.
 */
import type { Parameter } from "../nn/parameter.js";

/**
 * Parameters that share one weight decay: train/'s ParamGroup, spelled out here because bert/ sits below train/
 * and may not import it (docs/architecture.md); the two types are the same shape, so the result goes to AdamW.
 */
export interface DecayGroup {
  params: Parameter[];
  weightDecay: number;
}

/** Two groups: every other parameter with `weightDecay`, then the biases and LayerNorm weights with none. */
export function bertParamGroups(named: [string, Parameter][], weightDecay: number): DecayGroup[] {
  const noDecay = (name: string): boolean => name.endsWith("bias") || name.includes("LayerNorm.weight");
  return [
    { params: named.filter(([n]) => !noDecay(n)).map(([, p]) => p), weightDecay },
    { params: named.filter(([n]) => noDecay(n)).map(([, p]) => p), weightDecay: 0 },
  ];
}
