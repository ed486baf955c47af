/** Inference in a worker thread: same numbers as on the main thread, and the event loop stays free. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { namedOutputs } from "../../src/inference/named-outputs.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { InputError } from "../../src/errors.js";
import { intTensor } from "../../src/tensor/tensor.js";
import { InferenceWorker } from "../../src/worker/inference-worker-client.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";
import { randomIds } from "../helpers/random-model.js";

describe("InferenceWorker", () => {
  it("returns the same outputs as a main-thread forward pass", async () => {
    const dir = join(GOLDEN_MODELS, "seqcls-3");
    const inputIds = randomIds(2, 9, 2000);
    const attentionMask = intTensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [2, 9]);
    const worker = await InferenceWorker.start(dir);
    try {
      expect(worker.architecture).toBe("BertForSequenceClassification");
      const out = await worker.run({ inputIds, attentionMask }, { hiddenStates: true });
      const local = namedOutputs(loadPretrained(dir).model, { inputIds, attentionMask }, { hiddenStates: true });
      expect([...out.keys()].sort()).toEqual([...local.keys()].sort());
      // The worker picks the fastest backend, the test thread may run another: equal within float32 rounding.
      for (const [name, t] of local) {
        const got = out.get(name)?.data ?? new Float32Array(0);
        expect(got.length).toBe(t.size);
        let max = 0;
        for (let i = 0; i < t.size; i++) max = Math.max(max, Math.abs(got[i] - t.data[i]));
        expect(max, name).toBeLessThan(1e-5);
      }
    } finally {
      await worker.close();
    }
  });

  it("keeps the event loop free while the model runs", async () => {
    const worker = await InferenceWorker.start(join(SHARED, "models", "gutenberg-mini"), { architecture: "BertModel" });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const started = Date.now();
      await worker.run({ inputIds: randomIds(8, 128, 30522) });
      const elapsed = Date.now() - started;
      clearInterval(timer);
      console.log(`forward took ${elapsed} ms in the worker; the main thread ticked ${ticks} times meanwhile`);
      expect(elapsed).toBeGreaterThan(20);
      expect(ticks).toBeGreaterThan(elapsed / 20); // a 5 ms timer that fires at least a quarter of the time
    } finally {
      await worker.close();
    }
  });

  it("reports a bad model folder as a user error", async () => {
    await expect(InferenceWorker.start("/nonexistent")).rejects.toThrow(InputError);
  });
});
