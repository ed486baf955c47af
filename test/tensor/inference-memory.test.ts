/**
 * Inference holds one layer's activations at a time: each layer's intermediates return to the pool when it ends,
 * and its output once the next layer has read it.
 */
import { expect, it } from "vitest";
import { BertModel } from "../../src/bert/model.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { bufferPool } from "../../src/tensor/pool.js";
import { Rng } from "../../src/tensor/random.js";
import { scope } from "../../src/tensor/scope.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { syntheticBatch } from "../../src/perf/throughput.js";
import { smallConfig } from "../helpers/random-model.js";

/** Bytes of pooled buffers one inference step of a `layers`-deep model took (all back in the pool after it). */
function pooledBytes(layers: number): number {
  const config = smallConfig({ vocab_size: 300, hidden_size: 64, num_attention_heads: 2, intermediate_size: 256, num_hidden_layers: layers });
  manualSeed(4);
  const model = new BertModel(config).eval();
  const batch = syntheticBatch(config, 4, 32, 20, new Rng(5)); // variable lengths: packing too
  bufferPool.clear();
  scope(() => void noGrad(() => model.forward(batch)));
  return bufferPool.snapshot().bytesHeld;
}

it("inference memory does not grow with depth", () => {
  const shallow = pooledBytes(2);
  const deep = pooledBytes(8);
  // Holding even one more layer output — (N, 64) floats, N ≥ 4 × 20 real tokens — would cost at least this much.
  const oneOutput = 4 * 20 * 64 * 4;
  console.log(`pooled bytes after an inference step: 2 layers ${shallow}, 8 layers ${deep}`);
  expect(deep - shallow).toBeLessThan(oneOutput);
});

it("keeps every layer's output and attentions when they are asked for", () => {
  const config = smallConfig({ vocab_size: 300, hidden_size: 64, num_attention_heads: 2, intermediate_size: 256, num_hidden_layers: 4 });
  manualSeed(4);
  const model = new BertModel(config).eval();
  const batch = syntheticBatch(config, 4, 32, 32, new Rng(5)); // no padding: hidden states are the layers' own outputs
  const { last, states, attentions } = scope(() => noGrad(() => {
    const hiddenStates: Tensor[] = [];
    const probs: Tensor[] = [];
    const out = model.forward(batch, { hiddenStates, attentions: probs });
    return { last: out.lastHiddenState.floats("last"), states: hiddenStates.map((h) => h.floats("state")), attentions: probs.map((p) => p.floats("probs")) };
  }));
  expect(states).toHaveLength(5);
  expect(attentions).toHaveLength(4);
  expect(Array.from(states[4])).toEqual(Array.from(last));
});
