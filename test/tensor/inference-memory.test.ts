/** Inference holds one layer's activations at a time: each layer's intermediates return to the pool when it ends. */
import { expect, it } from "vitest";
import { BertModel } from "../../src/bert/model.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { bufferPool } from "../../src/tensor/pool.js";
import { Rng } from "../../src/tensor/random.js";
import { scope } from "../../src/tensor/scope.js";
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

it("inference memory does not grow with depth beyond each layer's output", () => {
  const shallow = pooledBytes(2);
  const deep = pooledBytes(8);
  // Six more layers add six (N, 64) outputs and their unpacked (4, 32, 64) copies at most, not six layers' activations.
  const perLayerOutputs = 4 * 32 * 64 * 4 * 2;
  console.log(`pooled bytes after an inference step: 2 layers ${shallow}, 8 layers ${deep}`);
  expect(deep - shallow).toBeLessThanOrEqual(6 * perLayerOutputs);
});
