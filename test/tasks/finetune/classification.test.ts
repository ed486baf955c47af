/**
 * The classification FinetuneSpec piece by piece: reading SST-2, RTE (pairs found by column name) and CoLA
 * (no header) from ../shared/data, label sets and problem types, the config fields, encoded rows and batches,
 * and `evaluate` checked against Hugging Face: on seqcls-3 its loss is the mean −log of the golden pipeline
 * probabilities of the gold labels.
 */
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type BertConfig, makeConfig } from "../../../src/bert/config.js";
import { BertForSequenceClassification } from "../../../src/bert/heads/sequence-classification.js";
import { loadPretrained } from "../../../src/bert/pretrained.js";
import { InputError } from "../../../src/errors.js";
import { classificationSpec } from "../../../src/tasks/finetune/classification/spec.js";
import { loadVocabTokenizer } from "../../../src/tokenizer/index.js";
import type { BertTokenizer } from "../../../src/tokenizer/tokenizer.js";
import { GOLDEN_MODELS, SHARED } from "../../helpers/golden.js";

const DATA = join(SHARED, "data", "classification");
const BASE = makeConfig({ vocab_size: 2000, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 64 });

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "bertkit-cls-")), name);
  writeFileSync(path, content);
  return path;
}

function configFor(path: string, options: Parameters<typeof classificationSpec>[0] = { maxLength: 32 }): BertConfig {
  const spec = classificationSpec(options);
  return { ...BASE, ...spec.configFor(spec.read(path), BASE) };
}

let tokenizer: BertTokenizer;
beforeAll(async () => {
  tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
});

describe("reading the GLUE files", () => {
  it("SST-2: sentence/label, integer labels keep their value as id", () => {
    const spec = classificationSpec({ maxLength: 64 });
    const dev = spec.read(join(DATA, "sst2", "dev.tsv"));
    expect(spec.count(dev)).toBe(872);
    expect(dev.pairs).toBeNull();
    expect(dev.texts[0]).toBe("it 's a charming and often affecting journey . ");
    const fields = spec.configFor(dev, BASE);
    expect(fields).toEqual({ num_labels: 2, problem_type: "single_label_classification", id2label: { 0: "0", 1: "1" }, label2id: { 0: 0, 1: 1 } });
    expect(spec.mainMetric).toBe("accuracy");
  });

  it("RTE: sentence1/sentence2 make pairs; string labels sorted (entailment = 0 as in GLUE)", () => {
    const spec = classificationSpec({ maxLength: 64 });
    const dev = spec.read(join(DATA, "rte", "dev.tsv"));
    expect(dev.pairs?.length).toBe(277);
    expect(dev.pairs?.[0]).toBe("Christopher Reeve had an accident.");
    expect(spec.configFor(dev, BASE).id2label).toEqual({ 0: "entailment", 1: "not_entailment" });
  });

  it("CoLA: no header, columns by index", () => {
    const spec = classificationSpec({ maxLength: 64, header: false, textColumn: "3", labelColumn: "1" });
    const dev = spec.read(join(DATA, "cola", "in_domain_dev.tsv"));
    expect(spec.count(dev)).toBe(527);
    expect(dev.texts[0]).toBe("The sailors rode the breeze clear of the rocks.");
    expect(() => classificationSpec({ maxLength: 64, header: false }).read(join(DATA, "cola", "in_domain_dev.tsv")))
      .toThrow(/no label column "label"; the columns are "0", "1", "2", "3" \(the file has no header/);
  });
});

describe("labels", () => {
  it("integers sort numerically; other names as strings", () => {
    const path = file("t.tsv", "sentence\tlabel\na\t10\nb\t9\nc\t2\n");
    expect(configFor(path).id2label).toEqual({ 0: "2", 1: "9", 2: "10" });
  });

  it("decimal labels are regression (STS-B), mainMetric pearson", () => {
    const spec = classificationSpec({ maxLength: 32 });
    const train = spec.read(file("t.tsv", "sentence\tlabel\na\t5.000\nb\t0\nc\t3.8\n"));
    expect(spec.configFor(train, BASE)).toEqual({ num_labels: 1, problem_type: "regression", id2label: { 0: "LABEL_0" }, label2id: { LABEL_0: 0 } });
    expect(spec.mainMetric).toBe("pearson");
  });

  it("lists are multi-label: a,b or a|b in TSV/CSV, arrays in JSON lines; empty = no label", () => {
    const tsv = classificationSpec({ maxLength: 32 });
    const fromTsv = tsv.read(file("t.tsv", "sentence\tlabel\na\tsports|politics\nb\tarts\nc\t\n"));
    expect(tsv.configFor(fromTsv, BASE).id2label).toEqual({ 0: "arts", 1: "politics", 2: "sports" });
    expect(tsv.mainMetric).toBe("f1");
    const jsonl = classificationSpec({ maxLength: 32 });
    const fromJson = jsonl.read(file("t.jsonl", '{"sentence": "a", "label": ["x", "y"]}\n{"sentence": "b", "label": []}\n'));
    expect(jsonl.configFor(fromJson, BASE)).toMatchObject({ problem_type: "multi_label_classification", num_labels: 2 });
  });

  it("an evaluation label the model does not know is an error at its line", () => {
    const config = configFor(file("train.tsv", "sentence\tlabel\na\tham\nb\tspam\n"));
    const dev = file("dev.tsv", "sentence\tlabel\nx\tham\ny\teggs\n");
    expect(() => classificationSpec({ maxLength: 32 }).read(dev, config)).toThrow(
      new InputError(`${dev}:3: label "eggs" is not one of the model's labels (ham, spam); fix the label, or fine-tune on training data that has it`),
    );
  });

  it("bad labels: one class only, an empty label, a regression label that is not a number", () => {
    const spec = classificationSpec({ maxLength: 32 });
    const one = file("one.tsv", "sentence\tlabel\na\tx\nb\tx\n");
    expect(() => spec.configFor(spec.read(one), BASE)).toThrow(`${one}: every example has the label "x"; classification needs examples of at least two labels`);
    const empty = file("empty.tsv", "sentence\tlabel\na\tx\nb\t \n");
    expect(() => spec.read(empty)).toThrow(`${empty}:3: the label is empty; every example needs one`);
    const word = file("word.tsv", "sentence\tlabel\na\t1.5\nb\thigh\n");
    expect(() => classificationSpec({ maxLength: 32, problemType: "regression" }).read(word)).toThrow(`${word}:3: the label "high" is not a number`);
  });
});

describe("training rows", () => {
  it("encodes pairs with [CLS] A [SEP] B [SEP], truncates to maxLength, pads per batch", () => {
    const path = file("p.tsv", "sentence1\tsentence2\tlabel\nthe king\tthe queen and the lord\tb\nlove\thate\ta\n");
    const spec = classificationSpec({ maxLength: 6 });
    const config = configFor(path, { maxLength: 6 });
    const data = spec.trainData(spec.read(path), tokenizer, config);
    expect(data.size).toBe(2);
    expect(Array.from(data.lengths)).toEqual([6, 5]); // 2 + 5 words + 3 specials = 10, cut to 6
    const batch = data.batch([1, 0]);
    expect(batch.inputIds.shape).toEqual([2, 6]);
    expect(batch.labels.dtype).toBe("int32");
    expect(batch.labels.toArray()).toEqual([0, 1]);
    const [cls, sep] = [tokenizer.specialTokenId("cls"), tokenizer.specialTokenId("sep")];
    const love = tokenizer.tokenToId("love");
    const hate = tokenizer.tokenToId("hate");
    expect(batch.inputIds.toArray().slice(0, 6)).toEqual([cls, love, sep, hate, sep, 0]);
    expect(batch.tokenTypeIds.toArray().slice(0, 6)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(batch.attentionMask.toArray().slice(0, 6)).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it("multi-label targets are float multi-hot rows; regression targets float values", () => {
    const multi = file("m.tsv", "sentence\tlabel\na\tx,z\nb\ty\n");
    const spec = classificationSpec({ maxLength: 8 });
    const batch = spec.trainData(spec.read(multi), tokenizer, configFor(multi)).batch([0, 1]);
    expect(batch.labels.dtype).toBe("float32");
    expect(batch.labels.shape).toEqual([2, 3]);
    expect(batch.labels.toArray()).toEqual([1, 0, 1, 0, 1, 0]);
    const reg = file("r.tsv", "sentence\tlabel\na\t0.5\nb\t2\n");
    const regBatch = spec.trainData(spec.read(reg), tokenizer, configFor(reg)).batch([1]);
    expect(regBatch.labels.shape).toEqual([1]);
    expect(regBatch.labels.toArray()).toEqual([2]);
  });

  it("a maximum length beyond the model's positions is an error", () => {
    const path = file("t.tsv", "sentence\tlabel\na\t0\nb\t1\n");
    const spec = classificationSpec({ maxLength: 65 });
    expect(() => spec.trainData(spec.read(path), tokenizer, configFor(path))).toThrow("the maximum length 65 is more than the model's 64 positions (max_position_embeddings); use at most 64");
  });
});

describe("evaluate against Hugging Face (seqcls-3)", () => {
  it("loss = mean −log p(gold) of the golden pipeline scores; accuracy, f1, mcc from the golden argmax", () => {
    const golden = JSON.parse(readFileSync(join(SHARED, "golden", "pipelines.json"), "utf8")) as {
      "text-classification": Array<{ text: string; out: Array<Array<{ label: string; score: number }>> }>;
    };
    const cases = golden["text-classification"];
    const gold = ["LABEL_0", "LABEL_2"];
    const path = file("dev.tsv", "sentence\tlabel\n" + cases.map((c, i) => `${c.text}\t${gold[i]}\n`).join(""));
    const { model, config } = loadPretrained(join(GOLDEN_MODELS, "seqcls-3"));
    if (!(model instanceof BertForSequenceClassification)) throw new Error("expected a classifier");
    const spec = classificationSpec({ maxLength: 64 });
    const metrics = spec.evaluate(model, tokenizer, config, spec.read(path, config), 1);
    const p = cases.map((c, i) => c.out[0].find((s) => s.label === gold[i])?.score ?? Number.NaN);
    const expected = -(Math.log(p[0]) + Math.log(p[1])) / 2;
    console.log(`seqcls-3 evaluate loss ${metrics.loss} vs Hugging Face ${expected}: |diff| ${Math.abs(metrics.loss - expected).toExponential(2)}`);
    expect(Math.abs(metrics.loss - expected)).toBeLessThan(1e-5);
    // Both texts are predicted LABEL_0 (golden top score): one right of two.
    expect(metrics.accuracy).toBe(50);
    // Macro f1 over the classes present (0 and 2): class 0 f1 = 2·1/(2·1 + 1 + 0) = 2/3, class 2 f1 = 0.
    expect(metrics.f1).toBeCloseTo(100 / 3, 10);
    // c = 1, s = 2, t = (1, 0, 1), p = (2, 0, 0): (2 − 2) / … = 0
    expect(metrics.mcc).toBe(0);
    expect(Object.keys(metrics).sort()).toEqual(["accuracy", "f1", "loss", "mcc"]);
  });
});
