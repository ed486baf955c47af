/**
 * Multi-head self-attention (BertSelfAttention + BertSelfOutput = BertAttention).
 * Shape legend: B batch, T tokens, C hidden, H heads, D = C / H head size.
 * The heads are computed by one fused op that reads Q, K, V in (B, T, C) layout and skips padding.
 */
import { Dropout } from "../nn/dropout.js";
import { LayerNorm } from "../nn/layer-norm.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { isGradEnabled } from "../tensor/autograd.js";
import { fusedQkvAttention, scaledDotProductAttention } from "../tensor/ops/attention.js";
import { fusedLinearInference } from "../tensor/ops/linear.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";
import { pack, type Packing, unpack } from "./packing.js";

/** Which keys each query may see: padding from the attention mask, and optionally the future. */
export interface AttentionMask {
  keyMask: Tensor | null; // (B, T) int32, 1 = real token
  causal: boolean;
  /** Set when the layers run on packed real tokens (N, C) instead of (B, T, C). */
  packing: Packing | null;
  /** The caller wants the probabilities (`attentions`); inference skips writing them otherwise. */
  withProbs: boolean;
}

export interface AttentionResult {
  context: Tensor; // (B, T, C)
  /** (B, H, T, T); null in inference unless `withProbs` was set. */
  probs: Tensor | null;
}

export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  dropout: Dropout;
  readonly heads: number;

  constructor(config: BertConfig) {
    super();
    const c = config.hidden_size;
    this.heads = config.num_attention_heads;
    this.query = new Linear(c, c, config.initializer_range);
    this.key = new Linear(c, c, config.initializer_range);
    this.value = new Linear(c, c, config.initializer_range);
    this.dropout = new Dropout(config.attention_probs_dropout_prob);
  }

  /** x (B, T, C) or packed (N, C) → context of the same shape, and probabilities (B, H, T, T). */
  forward(x: Tensor, mask: AttentionMask): AttentionResult {
    const p = mask.packing;
    const padded = (t: Tensor): Tensor => (p === null ? t : unpack(t, p)); // the kernel works on (B, T, C)
    // Inference: Q, K and V in one GEMM (N = 3C), which the kernel reads in place.
    const qkv = isGradEnabled() ? null : fusedLinearInference(x, this, [this.query, this.key, this.value]);
    if (qkv !== null) {
      const { out, probs } = fusedQkvAttention(padded(qkv), {
        heads: this.heads, keyMask: mask.keyMask, causal: mask.causal, dropout: this.dropout.fused(), withProbs: mask.withProbs,
      });
      return { context: p === null ? out : pack(out, p), probs };
    }
    const { out, probs } = scaledDotProductAttention(padded(this.query.forward(x)), padded(this.key.forward(x)), padded(this.value.forward(x)), {
      heads: this.heads, keyMask: mask.keyMask, causal: mask.causal, dropout: this.dropout.fused(),
    });
    return { context: p === null ? out : pack(out, p), probs };
  }
}

/** Projection back to C, dropout, residual add and LayerNorm (post-LN). */
export class BertSelfOutput extends Module {
  dense: Linear;
  LayerNorm: LayerNorm;
  dropout: Dropout;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hidden_size, config.hidden_size, config.initializer_range);
    this.LayerNorm = new LayerNorm(config.hidden_size, config.layer_norm_eps);
    this.dropout = new Dropout(config.hidden_dropout_prob);
  }

  forward(hidden: Tensor, residual: Tensor): Tensor {
    return this.LayerNorm.forwardResidual(this.dropout.forward(this.dense.forward(hidden)), residual);
  }
}

export class BertAttention extends Module {
  self: BertSelfAttention;
  output: BertSelfOutput;

  constructor(config: BertConfig) {
    super();
    this.self = new BertSelfAttention(config);
    this.output = new BertSelfOutput(config);
  }

  forward(x: Tensor, mask: AttentionMask): AttentionResult {
    const { context, probs } = this.self.forward(x, mask);
    return { context: this.output.forward(context, x), probs };
  }
}
