/**
 * Loading does not draw the weights a checkpoint replaces (src/nn/init.ts): the loaded model — a new head's random
 * weights included — and the random stream after it are bit for bit what building eagerly and then loading gives.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createModel } from "../../src/bert/architectures.js";
import { readConfig } from "../../src/bert/config.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { loadStateDict } from "../../src/bert/state-dict.js";
import { readSafetensors } from "../../src/io/safetensors.js";
import { Embedding } from "../../src/nn/embedding.js";
import { cancelPendingDraw, deferNormalDraws, drawPending } from "../../src/nn/init.js";
import type { Module } from "../../src/nn/module.js";
import { defaultRngState, manualSeed } from "../../src/nn/random-state.js";
import { Rng } from "../../src/tensor/random.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";

const DIR = join(GOLDEN_MODELS, "pretraining-tiny");

function params(model: Module): Map<string, Float32Array> {
  return new Map(model.namedParameters().map(([name, p]) => [name, Float32Array.from(p.data)]));
}

describe("deferred initialisation while loading", () => {
  for (const architecture of ["BertForSequenceClassification", "BertForTokenClassification", "BertForPreTraining"] as const) {
    it(`${architecture} from a pre-training checkpoint: the same parameters and random stream as eager build + load`, () => {
      manualSeed(11);
      const eager = createModel(architecture, readConfig(join(DIR, "config.json")));
      const report = loadStateDict(eager, readSafetensors(join(DIR, "model.safetensors")).tensors, { source: DIR, allowNewHead: true });
      const eagerAfter = defaultRngState();

      manualSeed(11);
      const loaded = loadPretrained(DIR, { architecture });
      expect(loaded.report.newlyInitialized.sort()).toEqual(report.newlyInitialized.sort());
      expect(defaultRngState()).toEqual(eagerAfter);
      const want = params(eager);
      const got = params(loaded.model);
      expect([...got.keys()]).toEqual([...want.keys()]);
      for (const [name, values] of want) expect(got.get(name), name).toEqual(values);
      if (architecture !== "BertForPreTraining") {
        // The new head is random (drawn after all), not zeros.
        const head = got.get("classifier.weight");
        expect(head?.some((x) => x !== 0)).toBe(true);
      }
    });
  }

  it("drawPending makes what normal_ would have made, padding row zeroed after the draw; a cancelled draw is never made", () => {
    const eagerRng = new Rng(5);
    const eager = new Embedding(50, 8, 0.02, 3, eagerRng);
    const eagerSecond = new Embedding(40, 8, 0.02, null, eagerRng);
    const rng = new Rng(5);
    const [first, second] = deferNormalDraws(() => [new Embedding(50, 8, 0.02, 3, rng), new Embedding(40, 8, 0.02, null, rng)]);
    expect(rng.state()).toEqual(eagerRng.state()); // skipped exactly as far as drawing would have gone
    expect(first.weight.data.every((x) => x === 0)).toBe(true);
    second.weight.data.fill(7); // as a loader fills it
    cancelPendingDraw(second.weight);
    drawPending([first.weight, second.weight]);
    expect(Array.from(first.weight.data)).toEqual(Array.from(eager.weight.data));
    expect(Array.from(first.weight.data.subarray(3 * 8, 4 * 8))).toEqual(new Array<number>(8).fill(0));
    expect(second.weight.data.every((x) => x === 7)).toBe(true);
    expect(eagerSecond.weight.data.some((x) => x !== 7)).toBe(true);
  });

  it("loadStateDict copies the caller's tensors: the model and the caller's map do not share memory", () => {
    const tensors = readSafetensors(join(DIR, "model.safetensors")).tensors;
    const model = createModel("BertForPreTraining", readConfig(join(DIR, "config.json")));
    loadStateDict(model, tensors, { source: DIR, allowNewHead: false });
    const given = tensors.get("bert.embeddings.word_embeddings.weight");
    const [, param] = model.namedParameters().find(([name]) => name === "bert.embeddings.word_embeddings.weight") ?? [];
    if (given === undefined || param === undefined) throw new Error("the checkpoint or the model lacks the word embeddings");
    const before = given.data[0];
    param.data[0] = before + 1;
    expect(given.data[0]).toBe(before);
  });
});
