/**
 * Token classification learns: a tiny random BERT trained with the generic `train()` on a synthetic NER set
 * reaches a high entity F1 on held-out sentences. The set needs context, not only word identity: "york" is
 * a place after "to"/"in" (B-LOC) and a surname after a first name (I-PER); names of two words are B-PER I-PER.
 * At the start the model is at chance (F1 far below the goal).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bertParamGroups } from "../../../src/bert/param-groups.js";
import type { BertConfig } from "../../../src/bert/config.js";
import { parseConll } from "../../../src/data/finetune/conll.js";
import { manualSeed } from "../../../src/nn/random-state.js";
import { Rng } from "../../../src/tensor/random.js";
import { tokenClassificationSpec } from "../../../src/tasks/finetune/token-classification/spec.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import { AdamW } from "../../../src/train/adamw.js";
import { silentProgress } from "../../../src/train/progress.js";
import { linearWarmupDecay } from "../../../src/train/schedule.js";
import { train } from "../../../src/train/trainer.js";
import { SHARED } from "../../helpers/golden.js";
import { smallConfig } from "../../helpers/random-model.js";

const FIRST = ["john", "mary", "henry", "richard", "anne"];
const SURNAME = ["smith", "york", "grey"];
const PLACE = ["london", "paris", "rome", "york", "verona"];
const VERB = ["saw", "met", "loved", "left"];

/** A CoNLL text of `n` sentences such as "mary grey went to york" with their IOB2 tags. */
function synthetic(n: number, seed: number): string {
  const rng = new Rng(seed);
  const pick = (list: readonly string[]): string => list[rng.int(list.length)];
  const person = (): string[][] => (rng.int(2) === 0 ? [[pick(FIRST), "B-PER"]] : [[pick(FIRST), "B-PER"], [pick(SURNAME), "I-PER"]]);
  const sentences: string[][][] = [];
  for (let i = 0; i < n; i++) {
    const words: string[][] = [...person()];
    if (rng.int(2) === 0) words.push([pick(VERB), "O"], ...person());
    words.push(["went", "O"], [pick(["to", "in"]), "O"], [pick(PLACE), "B-LOC"]);
    if (rng.int(3) === 0) words.push(["and", "O"], [pick(PLACE), "B-LOC"]);
    sentences.push(words);
  }
  return sentences.map((s) => s.map(([w, t]) => `${w} ${t}`).join("\n")).join("\n\n") + "\n";
}

describe("token classification learns", () => {
  it("brings a tiny BERT from chance to entity F1 > 95 on held-out sentences", async () => {
    const tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
    const spec = tokenClassificationSpec({ maxLength: 24 });
    const trainSet = parseConll(synthetic(256, 1), "train.txt");
    const heldOut = parseConll(synthetic(64, 2), "eval.txt");
    const base = smallConfig({ vocab_size: 2000, hidden_size: 32, num_attention_heads: 4, intermediate_size: 64 });
    const config: BertConfig = { ...base, ...spec.configFor(trainSet, base) };
    manualSeed(7);
    const model = spec.build(config);
    const before = spec.evaluate(model.eval(), tokenizer, config, heldOut, 32);
    const steps = 80;
    const result = await train({
      model, task: spec.task, data: spec.trainData(trainSet, tokenizer, config),
      optimizer: new AdamW(bertParamGroups(model.namedParameters(), 0.01), { lr: 3e-3 }),
      schedule: linearWarmupDecay(3e-3, 8, steps), steps, batchSize: 8, seed: 3, progress: silentProgress, handleSignals: false,
    });
    const after = spec.evaluate(model.eval(), tokenizer, config, heldOut, 32);
    console.log(`entity F1 before ${before.f1.toFixed(1)}, after ${after.f1.toFixed(1)} (precision ${after.precision.toFixed(1)}, recall ${after.recall.toFixed(1)}, accuracy ${after.accuracy.toFixed(1)}); last loss ${result.last?.loss.toFixed(4)}`);
    expect(before.f1).toBeLessThan(50);
    expect(after.f1).toBeGreaterThan(95);
    expect(after.accuracy).toBeGreaterThan(97);
  }, 60_000);
});
