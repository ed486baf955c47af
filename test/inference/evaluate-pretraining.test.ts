/**
 * evaluatePretraining on gutenberg-mini with shards made here from held-out text (WikiText-2 validation), checked
 * against the same numbers computed independently from one forward pass (float64 log-softmax, argmax), and its
 * refusals: a model without the pre-training heads, rows longer than the model, no predicted positions.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../src/backend/configure.js";
import { InputError } from "../../src/errors.js";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { loadPretrained, savePretrained } from "../../src/bert/pretrained.js";
import { openShards } from "../../src/data/pretraining/shard-dataset.js";
import { evaluatePretraining, evaluatePretrainingModel, type PretrainingEvaluation } from "../../src/inference/evaluate-pretraining.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { loadTokenizer } from "../../src/tokenizer/model-folder.js";
import { SHARED } from "../helpers/golden.js";
import { randomModel, smallConfig } from "../helpers/random-model.js";
import { heldOutRows, writeShardFile, writeShardFolder } from "../data/pretraining/shard-dataset-fixture.js";

const MINI = join(SHARED, "models", "gutenberg-mini");
const T = 48;
const ROWS = 10;

/** The numbers from one forward pass over all rows, computed here without the task or the loss op. */
function independent(dir: string): PretrainingEvaluation {
  const { model } = loadPretrained(MINI);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  const data = openShards(dir);
  const b = data.batch(Array.from({ length: data.size }, (_, i) => i));
  const out = noGrad(() => model.forward({ inputIds: b.inputIds, tokenTypeIds: b.tokenTypeIds, attentionMask: b.attentionMask }));
  const v = out.predictionLogits.shape[2];
  const logits = out.predictionLogits.floats("test");
  const labels = b.labels.ints("test");
  let nll = 0;
  let masked = 0;
  let correct = 0;
  labels.forEach((label, i) => {
    if (label === -100) return;
    const row = Array.from(logits.subarray(i * v, (i + 1) * v));
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
    nll += lse - row[label];
    masked++;
    if (row.indexOf(max) === label) correct++;
  });
  const nsp = out.seqRelationshipLogits.floats("test");
  const nsl = b.nextSentenceLabel.ints("test");
  let nspNll = 0;
  let nspCorrect = 0;
  nsl.forEach((label, r) => {
    const [x0, x1] = [nsp[2 * r], nsp[2 * r + 1]];
    const lse = Math.max(x0, x1) + Math.log(Math.exp(x0 - Math.max(x0, x1)) + Math.exp(x1 - Math.max(x0, x1)));
    nspNll += lse - (label === 0 ? x0 : x1);
    if ((x1 > x0 ? 1 : 0) === label) nspCorrect++;
  });
  const mlmLoss = nll / masked;
  return {
    mlmLoss, perplexity: Math.exp(mlmLoss), maskedAccuracy: correct / masked, nspLoss: nspNll / nsl.length,
    nspAccuracy: nspCorrect / nsl.length, rows: nsl.length, maskedTokens: masked,
  };
}

describe("evaluatePretraining on gutenberg-mini and held-out text", () => {
  let folder = "";
  let file = "";
  let want: PretrainingEvaluation;

  beforeAll(async () => {
    configure(); // native when built: deep imports of src/ do not install the default resolver that the package index does
    const tokenizer = await loadTokenizer(MINI);
    const rows = heldOutRows(tokenizer, ROWS, T);
    const dir = mkdtempSync(join(tmpdir(), "bertkit-eval-"));
    folder = join(dir, "shards");
    writeShardFolder(folder, [rows.slice(0, 6), rows.slice(6)], T, tokenizer.vocab.tokens);
    file = join(dir, "rows.safetensors");
    writeShardFile(file, rows, T);
    want = independent(folder);
  });

  it("matches an independent computation, whatever the batch size", async () => {
    for (const batchSize of [3, 8, 64]) {
      const got = await evaluatePretraining({ model: MINI, data: folder, batchSize });
      expect(got.rows).toBe(ROWS);
      expect(got.maskedTokens).toBe(want.maskedTokens);
      expect(got.maskedAccuracy).toBeCloseTo(want.maskedAccuracy, 12);
      expect(got.nspAccuracy).toBeCloseTo(want.nspAccuracy, 12);
      expect(Math.abs(got.mlmLoss - want.mlmLoss) / want.mlmLoss).toBeLessThan(1e-5);
      expect(Math.abs(got.nspLoss - want.nspLoss) / want.nspLoss).toBeLessThan(1e-4);
      expect(got.perplexity).toBeCloseTo(Math.exp(got.mlmLoss), 9);
    }
  });

  it("shows what pre-training learned: far better than chance on text it never saw", async () => {
    const got = await evaluatePretraining({ model: MINI, data: file });
    expect(got.mlmLoss).toBeCloseTo(want.mlmLoss, 4); // the single-file form gives the same numbers
    expect(got.mlmLoss).toBeLessThan(7); // chance: ln 30522 ≈ 10.3
    expect(got.maskedAccuracy).toBeGreaterThan(0.1);
    expect(got.maskedAccuracy).toBeLessThanOrEqual(1);
    expect(got.nspAccuracy).toBeGreaterThanOrEqual(0);
  });

  it("puts a model in training mode back as it was", () => {
    const { model } = loadPretrained(MINI);
    if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
    model.train();
    const got = evaluatePretrainingModel(model, openShards(folder), 4);
    expect(got.mlmLoss).toBeCloseTo(want.mlmLoss, 4); // dropout was off while evaluating
    expect(model.training).toBe(true);
  });
});

describe("evaluatePretraining refuses", () => {
  const dir = mkdtempSync(join(tmpdir(), "bertkit-eval-bad-"));
  const config = smallConfig({ max_position_embeddings: 8 });

  it("a model without the NSP head", async () => {
    savePretrained(join(dir, "mlm"), randomModel("BertForMaskedLM", config), config, "BertForMaskedLM");
    writeShardFile(join(dir, "rows.safetensors"), [{ ids: [2, 7, 3, 8, 3], labels: { 1: 9 } }], 8);
    await expect(evaluatePretraining({ model: join(dir, "mlm"), data: join(dir, "rows.safetensors") })).rejects.toThrow(
      /has no pre-training heads \(it lacks .*seq_relationship.*\); evaluating pre-training needs a BertForPreTraining checkpoint/,
    );
  });

  it("rows longer than the model's positions, and data with nothing to predict", async () => {
    savePretrained(join(dir, "pt"), randomModel("BertForPreTraining", config), config, "BertForPreTraining");
    writeShardFile(join(dir, "long.safetensors"), [{ ids: [2, 7, 3, 8, 3], labels: { 1: 9 } }], 12);
    await expect(evaluatePretraining({ model: join(dir, "pt"), data: join(dir, "long.safetensors") })).rejects.toThrow(/rows of 12 tokens but .* has 8 positions/);
    writeShardFile(join(dir, "none.safetensors"), [{ ids: [2, 7, 3, 8, 3] }], 8);
    const error = await evaluatePretraining({ model: join(dir, "pt"), data: join(dir, "none.safetensors") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/no predicted positions \(every label is -100\)/);
  });
});
