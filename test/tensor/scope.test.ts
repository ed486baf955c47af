/** Deterministic release: tensors made inside a scope go back to the pool when it ends. */
import { describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { manualSeed } from "../../src/nn/random-state.js";
import { backward, noGrad } from "../../src/tensor/autograd.js";
import { add, mul } from "../../src/tensor/ops/binary.js";
import { bufferPool, POOL_MIN_ELEMENTS } from "../../src/tensor/pool.js";
import { Rng } from "../../src/tensor/random.js";
import { scope } from "../../src/tensor/scope.js";
import { full } from "../../src/tensor/tensor.js";
import { syntheticBatch } from "../../src/perf/throughput.js";
import { bertParamGroups } from "../../src/bert/param-groups.js";
import { AdamW } from "../../src/train/adamw.js";
import { smallConfig } from "../helpers/random-model.js";
import { backends } from "../helpers/backends.js";
import { withBackend } from "../../src/backend/registry.js";

describe("scope", () => {
  it("releases what a step made, keeps what it returns, and reuses the buffers", () => {
    const n = POOL_MIN_ELEMENTS;
    const x = full([n], 2);
    let inner = full([1], 0);
    const kept = scope(() => {
      inner = add(x, x);
      return mul(inner, x);
    }, (r) => [r]);
    expect(kept.toArray().slice(0, 2)).toEqual([8, 8]);
    expect(x.toArray()[0]).toBe(2); // made outside: untouched
    expect(() => inner.toArray()).toThrow(/released at the end of the step/);
    const before = bufferPool.snapshot().hits;
    scope(() => add(x, x));
    expect(bufferPool.snapshot().hits).toBeGreaterThan(before);
  });

  it("gives identical training steps with memory reused from the pool", () => {
    const config = smallConfig({ vocab_size: 300, hidden_size: 64, num_attention_heads: 2, intermediate_size: 128 });
    const losses: number[][] = [];
    for (const useScope of [false, true]) {
      manualSeed(5);
      const model = new BertForPreTraining(config).train();
      const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3 });
      const batch = syntheticBatch(config, 4, 16, 16, new Rng(2));
      const run: number[] = [];
      for (let step = 0; step < 3; step++) {
        const body = (): number => {
          const out = model.forward(batch);
          if (!out.loss) throw new Error("loss expected");
          backward(out.loss);
          opt.step();
          opt.zeroGrad();
          return out.loss.item();
        };
        const hitsBefore = bufferPool.snapshot().hits;
        run.push(useScope ? scope(body) : body());
        if (useScope && step > 0) expect(bufferPool.snapshot().hits - hitsBefore).toBeGreaterThan(10);
      }
      losses.push(run);
    }
    expect(losses[1]).toEqual(losses[0]);
  });

  it("steady state: every pooled buffer a step takes comes back (scratch buffers saved for backward included)", () => {
    // hidden 64 × 4 × 16 tokens = 4096 floats: the activations and the pre-LayerNorm sums are pooled sizes
    const config = smallConfig({ vocab_size: 300, hidden_size: 64, num_attention_heads: 2, intermediate_size: 128, hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 });
    manualSeed(6);
    const model = new BertForPreTraining(config).train();
    const opt = new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 1e-3 });
    const batch = syntheticBatch(config, 4, 16, 16, new Rng(2));
    const step = (): void => scope(() => {
      const out = model.forward(batch);
      if (!out.loss) throw new Error("loss expected");
      backward(out.loss);
      opt.step();
      opt.zeroGrad();
    });
    step();
    step();
    // Every buffer a step takes from the pool is back in it afterwards: nothing leaks to the GC.
    const held = bufferPool.snapshot().bytesHeld;
    step();
    expect(bufferPool.snapshot().bytesHeld).toBe(held);
    const inference = (): void => scope(() => void noGrad(() => model.eval().forward(batch)));
    inference();
    const heldInference = bufferPool.snapshot().bytesHeld;
    inference();
    expect(bufferPool.snapshot().bytesHeld).toBe(heldInference);
  });

  it.each(backends)("never lets a reused buffer's old values leak into a result (pool poisoned with NaN, $name)", (kernels) => withBackend(kernels, () => {
    const config = smallConfig({ vocab_size: 300, hidden_size: 64, num_attention_heads: 2, intermediate_size: 128 });
    const batch = syntheticBatch(config, 4, 16, 6, new Rng(3)); // variable lengths: packing, padded attention
    const grads: number[][] = [];
    for (const poison of [false, true]) {
      manualSeed(8);
      const model = new BertForPreTraining(config).train();
      scope(() => {
        const out = model.forward(batch);
        if (out.loss) backward(out.loss);
      }); // fills the pool with this step's buffers
      model.zeroGrad();
      if (poison) bufferPool.fillFree(NaN);
      scope(() => {
        const out = model.forward(batch);
        if (out.loss) backward(out.loss);
      });
      grads.push(model.parameters().flatMap((p) => (p.grad ? Array.from(p.grad.data) : [])));
    }
    expect(grads[1].every(Number.isFinite)).toBe(true);
    expect(grads[1]).toEqual(grads[0]);
  }));
});
