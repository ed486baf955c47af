/**
 * Token classification for fine-tuning: word-by-word encoding (Hugging Face `is_split_into_words`: the same
 * pieces as tokenizing the words joined by spaces, labels on first pieces), the label set, batches, the
 * trainer step's loss and accuracy against a hand computation from the logits, and word-level evaluation
 * with a model whose predictions are fixed by its classifier bias.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BertForTokenClassification } from "../../../src/bert/heads/token-classification.js";
import { type BertConfig } from "../../../src/bert/config.js";
import { parseConll, readConll, type ConllExamples } from "../../../src/data/finetune/conll.js";
import { noGrad } from "../../../src/tensor/autograd.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import type { BertTokenizer } from "../../../src/tokenizer/tokenizer.js";
import { IGNORE_LABEL, labelledRow, WordEncoder } from "../../../src/tasks/finetune/token-classification/features.js";
import { tokenClassificationSpec } from "../../../src/tasks/finetune/token-classification/spec.js";
import { tokenClassificationStep } from "../../../src/tasks/finetune/token-classification/task.js";
import { SHARED } from "../../helpers/golden.js";
import { randomModel, smallConfig } from "../../helpers/random-model.js";

const VALID = join(SHARED, "data", "ner", "conll2003", "valid.txt");
let tokenizer: BertTokenizer;
let valid: ConllExamples;
beforeAll(async () => {
  tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
  valid = readConll(VALID);
});

describe("word-by-word encoding", () => {
  it("gives the pieces of the words joined by spaces, each word's first piece at the word's offset (300 CoNLL sentences)", () => {
    const encoder = new WordEncoder(tokenizer, 512);
    for (const s of valid.sentences.slice(0, 300)) {
      const joined = s.words.join(" ");
      const whole = tokenizer.encode(joined);
      const e = encoder.encode(s.words);
      expect(Array.from(e.ids)).toEqual(Array.from(whole.inputIds));
      let at = 0;
      s.words.forEach((w, i) => {
        expect(whole.offsets[e.firstPiece[i]][0]).toBe(at);
        at += w.length + 1;
      });
    }
  });

  it("gives [UNK] to a word without pieces, and cuts rows to maxLength (cut words get no first piece)", () => {
    const encoder = new WordEncoder(tokenizer, 6);
    const unk = tokenizer.specialTokenId("unk");
    const e = encoder.encode(["William", "\u200b", "London", "rome"]); // will ##ia ##m | [UNK] | london | rome
    expect(tokenizer.decode(e.ids, { skipSpecialTokens: false })).toBe("[CLS] william [UNK] [SEP]");
    expect(e.ids[4]).toBe(unk);
    expect(Array.from(e.firstPiece)).toEqual([1, 4, -1, -1]);
    const row = labelledRow(e, Int32Array.of(3, 8, 2, 2));
    expect(Array.from(row.labels)).toEqual([IGNORE_LABEL, 3, IGNORE_LABEL, IGNORE_LABEL, 8, IGNORE_LABEL]);
  });
});

describe("the token-classification spec", () => {
  const spec = tokenClassificationSpec({ maxLength: 16 });
  const base = smallConfig({ vocab_size: 2000 });
  const config: BertConfig = { ...base, ...spec.configFor(parseConll("a B-PER\nb O\nc B-LOC\n", "x"), base) };

  it("labels are the training tags sorted into id2label/label2id", () => {
    expect(spec.configFor(valid, base)).toEqual({
      id2label: { 0: "B-LOC", 1: "B-MISC", 2: "B-ORG", 3: "B-PER", 4: "I-LOC", 5: "I-MISC", 6: "I-ORG", 7: "I-PER", 8: "O" },
      label2id: { "B-LOC": 0, "B-MISC": 1, "B-ORG": 2, "B-PER": 3, "I-LOC": 4, "I-MISC": 5, "I-ORG": 6, "I-PER": 7, O: 8 },
      num_labels: 9,
    });
    expect([spec.name, spec.architecture, spec.mainMetric, spec.count(valid)]).toEqual(["token-classification", "BertForTokenClassification", "f1", 3250]);
  });

  it("reading for a fine-tuned model rejects a tag it does not know, naming file:line", () => {
    expect(() => spec.read(VALID, config)).toThrow(/valid\.txt:5: tag B-ORG is not one of the model's labels \(B-LOC, B-PER, O\); evaluate with a model fine-tuned on these tags/);
  });

  it("batches rows padded to the longest, with −100 on pieces, specials and padding", () => {
    const data = spec.trainData(parseConll("William B-PER\nlives O\n\nRome B-LOC\n", "x"), tokenizer, config);
    expect(data.size).toBe(2);
    expect(Array.from(data.lengths)).toEqual([6, 3]); // [CLS] will ##ia ##m lives [SEP]; [CLS] rome [SEP]
    const b = data.batch([0, 1]);
    expect(b.inputIds.shape).toEqual([2, 6]);
    expect(Array.from(b.labels.ints("t"))).toEqual([-100, 1, -100, -100, 2, -100, -100, 0, -100, -100, -100, -100]);
    expect(Array.from(b.attentionMask.ints("t"))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(Array.from(b.tokenTypeIds.ints("t"))).toEqual(new Array(12).fill(0));
  });

  it("rejects a maxLength the model cannot take", () => {
    expect(() => tokenClassificationSpec({ maxLength: 2 })).toThrow(/maxLength must be an integer ≥ 3/);
    expect(() => tokenClassificationSpec({ maxLength: 33 }).trainData(valid, tokenizer, config)).toThrow(/maxLength 33 is more than the model's 32 positions/);
  });

  it("the step's loss is the mean cross-entropy over first pieces, its accuracy the share whose argmax is right (0–100)", () => {
    const model = randomModel("BertForTokenClassification", config, 5) as BertForTokenClassification;
    const data = spec.trainData(parseConll("William B-PER\nlives O\nin O\nRome B-LOC\n\nRome B-LOC\n", "x"), tokenizer, config);
    const batch = data.batch([0, 1]);
    const out = noGrad(() => tokenClassificationStep(model, batch));
    const logits = noGrad(() => model.forward(batch).logits).floats("t");
    const labels = batch.labels.ints("t");
    let loss = 0;
    let n = 0;
    let right = 0;
    labels.forEach((label, i) => {
      if (label === IGNORE_LABEL) return;
      const z = Array.from(logits.slice(i * 3, i * 3 + 3));
      const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
      loss += lse - z[label];
      n++;
      if (z.indexOf(Math.max(...z)) === label) right++;
    });
    expect(n).toBe(5);
    expect(out.loss.item()).toBeCloseTo(loss / n, 5);
    expect(out.metrics.accuracy).toEqual({ value: (100 * right) / n, weight: 5 });
    expect(out.tokens).toBe(Array.from(batch.attentionMask.ints("t")).reduce((s, v) => s + v, 0));
  });

  it("evaluates per word: a model that always says B-LOC scores by hand; cut words count as O", () => {
    const model = randomModel("BertForTokenClassification", config, 5) as BertForTokenClassification;
    model.classifier.weight.data.fill(0);
    model.classifier.bias.data.set([5, 0, 0]); // B-LOC, B-PER, O: always B-LOC
    model.classifier.weight.markModified();
    model.classifier.bias.markModified();
    const examples = parseConll("William B-PER\nlives O\nin O\nRome B-LOC\n\nRome B-LOC\nParis B-LOC\n", "x");
    // Predicted B-LOC everywhere: chunks are single words; true ones are PER 0, LOC 3 | LOC 0, LOC 1.
    const all = spec.evaluate(model, tokenizer, config, examples, 1);
    expect(all.precision).toBeCloseTo((100 * 3) / 6, 10);
    expect(all.recall).toBeCloseTo((100 * 3) / 4, 10);
    expect(all.f1).toBeCloseTo(60, 10);
    expect(all.accuracy).toBeCloseTo((100 * 3) / 6, 10);
    // maxLength 4: [CLS] will ##ia [SEP] | [CLS] rome paris [SEP]: "lives in Rome" are cut and predicted O.
    const cut = tokenClassificationSpec({ maxLength: 4 }).evaluate(model, tokenizer, config, examples, 2);
    expect([cut.precision, cut.recall, cut.accuracy]).toEqual([(100 * 2) / 3, 50, (100 * 4) / 6]);
  });
});
