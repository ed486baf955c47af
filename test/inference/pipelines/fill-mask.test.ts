/**
 * FillMaskPipeline: its scores against Hugging Face's prediction_logits of pretraining-tiny (softmax at every real
 * position of the golden inputs), the mask path against the full forward pass, gutenberg-mini's learned answer, the
 * Hugging Face result format (sequence = decode of the ids with the mask replaced; special tokens kept with several
 * masks), targets, and the errors a user can make.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertForPreTraining } from "../../../src/bert/heads/pretraining.js";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { InputError } from "../../../src/errors.js";
import { readSafetensors, type TensorData } from "../../../src/io/safetensors.js";
import { cleanUpTokenizationSpaces, readCleanUpFlag } from "../../../src/inference/pipelines/decode-cleanup.js";
import { FillMaskPipeline, huggingFaceOutput, maskedTokenProbabilities } from "../../../src/inference/pipelines/fill-mask.js";
import { topCandidates } from "../../../src/inference/pipelines/top-k.js";
import { noGrad } from "../../../src/tensor/autograd.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { GOLDEN_TINY, MINI, tinyModelFolder } from "./tiny-folder.js";

/** Softmax in float64, written out here so the test does not lean on the pipeline's own. */
function referenceSoftmax(row: ArrayLike<number>): number[] {
  const values = Array.from(row);
  const max = Math.max(...values);
  const exps = values.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function tensorOf(t: TensorData | undefined): Tensor {
  if (t === undefined || !(t.data instanceof Int32Array)) throw new Error("expected an int32 golden tensor");
  return new Tensor(t.data, t.shape);
}

let tiny: FillMaskPipeline;
let mini: FillMaskPipeline;
let tinyDir: string;

beforeAll(async () => {
  tinyDir = tinyModelFolder();
  tiny = await FillMaskPipeline.load(tinyDir);
  mini = await FillMaskPipeline.load(MINI);
});

describe("scores against Hugging Face (pretraining-tiny)", () => {
  it("softmax of the golden prediction_logits at every real position equals maskedTokenProbabilities", () => {
    const golden = readSafetensors(join(GOLDEN_TINY, "golden_outputs.safetensors")).tensors;
    const mask = tensorOf(golden.get("attention_mask"));
    const batch = { inputIds: tensorOf(golden.get("input_ids")), attentionMask: mask, tokenTypeIds: tensorOf(golden.get("token_type_ids")) };
    const rows = Int32Array.from(Array.from(mask.ints("test").keys()).filter((i) => mask.ints("test")[i] === 1));
    const logits = golden.get("prediction_logits");
    if (logits === undefined) throw new Error("prediction_logits missing");
    const v = logits.shape[2];
    const ours = maskedTokenProbabilities(tiny.model, batch, rows);
    let maxDiff = 0;
    let sameTop5 = 0;
    rows.forEach((row, m) => {
      const expected = referenceSoftmax(logits.data.subarray(row * v, (row + 1) * v));
      for (let i = 0; i < v; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[m][i] - expected[i]));
      const expectedTop = Array.from(expected.keys()).sort((a, b) => expected[b] - expected[a]).slice(0, 5);
      if (topCandidates(ours[m], 5).every((c, j) => c.id === expectedTop[j])) sameTop5++;
    });
    console.log(`fill-mask vs HF softmax(prediction_logits) over ${rows.length} positions: max |Δp| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-6);
    expect(sameTop5).toBe(rows.length);
  });

  it("the mask path (hidden rows gathered before the head) equals the full BertForPreTraining forward", () => {
    const text = "the king [MASK] his crown upon the [MASK] .";
    const [result] = tiny.run([text], { topK: 10 });
    const { model } = loadPretrained(tinyDir);
    if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
    const e = tiny.tokenizer.encode(text);
    const logits = noGrad(() => model.forward({ inputIds: new Tensor(e.inputIds, [1, e.length]) }).predictionLogits.floats("test"));
    const v = model.config.vocab_size;
    const positions = Array.from(e.inputIds.keys()).filter((t) => e.inputIds[t] === 4);
    expect(result.masks).toHaveLength(2);
    positions.forEach((p, m) => {
      const probs = referenceSoftmax(logits.subarray(p * v, (p + 1) * v));
      const best = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]).slice(0, 10);
      expect(result.masks[m].map((c) => c.token)).toEqual(best);
      result.masks[m].forEach((c) => expect(Math.abs(c.score - probs[c.token])).toBeLessThan(1e-6));
    });
  });
});

describe("fill-mask on gutenberg-mini", () => {
  it("'He opened the [MASK] and went out.' → door first, about 35%, with Hugging Face's fields", () => {
    const [result] = mini.run(["He opened the [MASK] and went out."]);
    expect(result.masks).toHaveLength(1);
    const [best] = result.masks[0];
    expect(best.token_str).toBe("door");
    expect(best.sequence).toBe("he opened the door and went out.");
    expect(best.token).toBe(mini.tokenizer.tokenToId("door"));
    expect(best.score).toBeGreaterThan(0.3);
    expect(best.score).toBeLessThan(0.4);
    expect(Object.keys(best)).toEqual(["score", "token", "token_str", "sequence"]);
  });

  it("results are sorted, sum to at most 1, and each sequence is the decode of the ids with that mask replaced", () => {
    const texts = ["It's a [MASK] day, isn't it?", "The [MASK] was [MASK] and cold.", "[MASK] said the old woman."];
    const results = mini.run(texts, { topK: 7 });
    results.forEach((r, i) => {
      const ids = mini.tokenizer.encode(texts[i]).inputIds;
      const maskAt = Array.from(ids.keys()).filter((t) => ids[t] === mini.tokenizer.specialTokenId("mask"));
      expect(r.masks).toHaveLength(maskAt.length);
      r.masks.forEach((candidates, m) => {
        expect(candidates).toHaveLength(7);
        const scores = candidates.map((c) => c.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        expect(scores.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
        for (const c of candidates) {
          const replaced = Array.from(ids, (id, t) => (t === maskAt[m] ? c.token : id));
          expect(c.sequence).toBe(mini.tokenizer.decode(replaced, { skipSpecialTokens: maskAt.length === 1 }));
          expect(c.token_str).toBe(mini.tokenizer.decode([c.token], { skipSpecialTokens: false }));
        }
      });
    });
    // With two masks the other [MASK] (and [CLS]/[SEP]) stay in the sequence, as in Hugging Face.
    expect(results[1].masks[0][0].sequence).toMatch(/^\[CLS\] the \S+ was \[MASK\] and cold\. \[SEP\]$/);
    expect(results[1].masks[1][0].sequence).toMatch(/^\[CLS\] the \[MASK\] was \S+ and cold\. \[SEP\]$/);
  });

  it("batching does not change the answer", () => {
    const texts = ["He opened the [MASK] and went out.", "A [MASK].", "She looked at him for a long time and then [MASK] away without a word."];
    const alone = mini.run(texts, { batchSize: 1 });
    const together = mini.run(texts, { batchSize: 3 });
    together.forEach((r, i) => r.masks[0].forEach((c, j) => {
      expect(c.token).toBe(alone[i].masks[0][j].token);
      expect(Math.abs(c.score - alone[i].masks[0][j].score)).toBeLessThan(1e-6);
    }));
  });

  it("gives Hugging Face's nesting: one text one mask → a list; several masks → a list per mask; several texts → a list of those", () => {
    const one = mini.run(["He opened the [MASK]."], { topK: 2 });
    const two = mini.run(["The [MASK] was [MASK]."], { topK: 2 });
    expect(huggingFaceOutput(one)).toEqual(one[0].masks[0]);
    expect(huggingFaceOutput(two)).toEqual(two[0].masks);
    expect(huggingFaceOutput([...one, ...two])).toEqual([one[0].masks[0], two[0].masks]);
  });
});

describe("targets", () => {
  it("scores only the targets, with their full-vocabulary probability, top-k capped at their number", () => {
    const text = "He opened the [MASK] and went out.";
    const [free] = mini.run([text], { topK: 5 });
    const [restricted] = mini.run([text], { targets: ["window", "door", "table"] });
    expect(restricted.masks[0].map((c) => c.token_str)).toEqual(["door", "table", "window"]);
    for (const c of restricted.masks[0]) {
      const same = free.masks[0].find((f) => f.token === c.token);
      expect(same).toBeDefined();
      expect(c.score).toBeCloseTo(same?.score ?? NaN, 12);
    }
  });

  it("a target outside the vocabulary stands for its first word piece (warned); duplicates count once; empty ones are ignored", () => {
    const warnings: string[] = [];
    const [r] = mini.run(["He opened the [MASK]."], { targets: ["Door", "door", "doorways?", "   "], onWarning: (m) => warnings.push(m), topK: 10 });
    expect(r.masks[0].map((c) => c.token_str).sort()).toEqual(["door", "doorway"].sort());
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/target "Door" is not in the model's vocabulary; using its first word piece "door"/);
    expect(warnings[2]).toMatch(/target " {3}" .* ignoring it/);
    expect(() => mini.run(["He opened the [MASK]."], { targets: [" "], onWarning: () => undefined })).toThrow(/no target gives a token to score/);
    expect(() => mini.run(["He opened the [MASK]."], { targets: [] })).toThrow(InputError);
  });
});

describe("errors and options", () => {
  it("a text without [MASK] is an InputError naming the text and the fix", () => {
    expect(() => mini.run(["He opened the [MASK].", "no mask here"])).toThrow(/^text 2 \("no mask here"\) has no \[MASK\]; put \[MASK\] \(in capitals\) where/);
    expect(() => mini.run(["lower case [mask] is not a mask"], { describeText: () => "in.txt:3" })).toThrow(/^in\.txt:3 .* has no \[MASK\]/);
  });

  it("a text longer than the model's positions is refused, not truncated", () => {
    const long = `${"word ".repeat(70)}[MASK]`;
    expect(() => tiny.run([long])).toThrow(/text 1 is 73 tokens long but the model takes at most 64; shorten it/);
  });

  it("bad topK and batch sizes are InputErrors", () => {
    expect(() => mini.run(["a [MASK]"], { topK: 0 })).toThrow(/topK must be a positive integer/);
    expect(() => mini.run(["a [MASK]"], { batchSize: 1.5 })).toThrow(/batch size must be a positive integer/);
  });

  it("transformers' clean_up_tokenization applies when tokenizer_config.json asks for it", () => {
    expect(cleanUpTokenizationSpaces("it ' s a good day , isn ' t it ? i do not know .")).toBe("it's a good day, isn't it? i do not know.");
    const dir = mkdtempSync(join(tmpdir(), "bertkit-cleanup-"));
    expect(readCleanUpFlag(dir)).toBe(false);
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ clean_up_tokenization_spaces: true }));
    expect(readCleanUpFlag(dir)).toBe(true);
    const cleaned = new FillMaskPipeline(mini.model, mini.tokenizer, { cleanUpTokenizationSpaces: true });
    const [r] = cleaned.run(["It's a [MASK] day."], { topK: 1 });
    expect(r.masks[0][0].sequence).toBe(`it's a ${r.masks[0][0].token_str} day.`);
  });
});

describe("topCandidates", () => {
  it("keeps the k best, best first; equal scores in the order met; NaN never ranks", () => {
    const scores = [0.1, 0.4, NaN, 0.4, 0.05, 0.3];
    expect(topCandidates(scores, 3).map((c) => c.id)).toEqual([1, 3, 5]);
    expect(topCandidates(scores, 10).map((c) => c.id)).toEqual([1, 3, 5, 0, 4]);
    expect(topCandidates(scores, 2, [5, 0, 4]).map((c) => c.id)).toEqual([5, 0]);
    expect(topCandidates(scores, 0)).toEqual([]);
  });
});
