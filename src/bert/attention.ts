/**
 * Multi-head self-attention (BertSelfAttention + BertSelfOutput = BertAttention).
 * Shape legend: B batch, T tokens, C hidden, H heads, D = C / H head size.
 */
import { Dropout } from "../nn/dropout.js";
import { LayerNorm } from "../nn/layer-norm.js";
import { Linear } from "../nn/linear.js";
import { Module } from "../nn/module.js";
import { add } from "../tensor/ops/binary.js";
import { permute, reshape } from "../tensor/ops/layout.js";
import { matmul } from "../tensor/ops/matmul.js";
import { softmax } from "../tensor/ops/softmax.js";
import { affine } from "../tensor/ops/unary.js";
import type { Tensor } from "../tensor/tensor.js";
import type { BertConfig } from "./config.js";

export interface AttentionResult {
  context: Tensor; // (B, T, C)
  probs: Tensor; // (B, H, T, T)
}

export class BertSelfAttention extends Module {
  query: Linear;
  key: Linear;
  value: Linear;
  dropout: Dropout;
  readonly heads: number;
  readonly headSize: number;

  constructor(config: BertConfig) {
    super();
    const c = config.hidden_size;
    this.heads = config.num_attention_heads;
    this.headSize = c / this.heads;
    this.query = new Linear(c, c, config.initializer_range);
    this.key = new Linear(c, c, config.initializer_range);
    this.value = new Linear(c, c, config.initializer_range);
    this.dropout = new Dropout(config.attention_probs_dropout_prob);
  }

  /** (B, T, C) → (B, H, T, D) */
  private splitHeads(x: Tensor): Tensor {
    const [b, t] = x.shape;
    return permute(reshape(x, [b, t, this.heads, this.headSize]), [0, 2, 1, 3]);
  }

  /** x (B, T, C); bias additive, broadcastable to (B, H, T, T), or null. */
  forward(x: Tensor, bias: Tensor | null): AttentionResult {
    const [b, t, c] = x.shape;
    const q = this.splitHeads(this.query.forward(x));
    const k = this.splitHeads(this.key.forward(x));
    const v = this.splitHeads(this.value.forward(x));
    let scores = affine(matmul(q, k, { transB: true }), 1 / Math.sqrt(this.headSize)); // (B, H, T, T)
    if (bias !== null) scores = add(scores, bias);
    const probs = softmax(scores);
    const ctx = matmul(this.dropout.forward(probs), v); // (B, H, T, D)
    return { context: reshape(permute(ctx, [0, 2, 1, 3]), [b, t, c]), probs };
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
    return this.LayerNorm.forward(add(this.dropout.forward(this.dense.forward(hidden)), residual));
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

  forward(x: Tensor, bias: Tensor | null): AttentionResult {
    const { context, probs } = this.self.forward(x, bias);
    return { context: this.output.forward(context, x), probs };
  }
}
