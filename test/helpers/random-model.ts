/** Small random BERTs and inputs for property tests. */
import { type ArchitectureName, createModel, type AnyBertModel } from "../../src/bert/architectures.js";
import { type BertConfig, makeConfig } from "../../src/bert/config.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { Rng } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";

export function smallConfig(overrides: Partial<BertConfig> = {}): BertConfig {
  return makeConfig({
    vocab_size: 50, hidden_size: 24, num_hidden_layers: 2, num_attention_heads: 3, intermediate_size: 40,
    max_position_embeddings: 32, hidden_dropout_prob: 0, attention_probs_dropout_prob: 0, ...overrides,
  });
}

export function randomModel(arch: ArchitectureName, config: BertConfig, seed = 1): AnyBertModel {
  manualSeed(seed);
  const model = createModel(arch, config);
  // Perturb LayerNorms and biases so that they are not trivially 1/0 (as the goldens do).
  const rng = new Rng(seed + 1000);
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith("bias") || name.includes("LayerNorm")) for (let i = 0; i < p.size; i++) p.data[i] += 0.1 * rng.normal();
  }
  return model.eval();
}

export function randomIds(batch: number, tokens: number, vocab: number, seed = 3): Tensor {
  const rng = new Rng(seed);
  return new Tensor(Int32Array.from({ length: batch * tokens }, () => 5 + rng.int(vocab - 5)), [batch, tokens]);
}
