/**
 * How much a low-precision model (bf16 or int8 Linear layers) departs from its fp32 original, on held-out text:
 *   - fill-mask: ~2,000 masked word pieces (15% of each sentence's, seeded): top-1 agreement, top-5 overlap,
 *     masked-token accuracy and MLM loss of each;
 *   - sentence vectors of ~500 sentences: cosine of [CLS] and of mean-pooled vectors, fp32 vs low precision;
 *   - optionally a fine-tuned classifier and NER model: their task metrics in both precisions.
 * Prints a markdown table and writes JSON (default bench/out/quantization-accuracy.json). See README.md here.
 *
 * npx vite-node bench/quantization/accuracy.ts -- [--model DIR] [--dtype int8|bf16|fp32] [--text FILE]
 *   [--masks N] [--sentences N] [--seed S] [--batch-size N] [--threads N] [--out FILE]
 *   [--classifier DIR --classifier-data FILE] [--ner DIR --ner-data FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { configure } from "../../src/backend/configure.js";
import { BertForMaskedLM } from "../../src/bert/heads/pretraining.js";
import { isModelDType, MODEL_DTYPES, type ModelDType } from "../../src/bert/low-precision.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { InputError } from "../../src/errors.js";
import { Rng } from "../../src/tensor/random.js";
import { loadTokenizer } from "../../src/tokenizer/model-folder.js";
import { embeddingAgreement, type EmbeddingAgreement } from "./embedding-agreement.js";
import { maskedAgreement, type MaskedAgreement, maskSentences } from "./masked-agreement.js";
import { COMMON_OPTIONS, count } from "./cli-options.js";
import { heldOutSentences } from "./sentences.js";
import { taskAgreement, type TaskAgreement } from "./task-agreement.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MASK_RATE = 0.15;
const MAX_LENGTH = 128;

function pair(a: string | undefined, b: string | undefined, names: [string, string]): [string, string] | null {
  if (a === undefined && b === undefined) return null;
  if (a === undefined || b === undefined) throw new InputError(`${names[0]} and ${names[1]} go together; give both or neither`);
  return [a, b];
}

/** Loads `dir` as a masked LM in `dtype`, and checks that it really is in that precision. */
function loadMaskedLm(dir: string, dtype: ModelDType): BertForMaskedLM {
  const loaded = loadPretrained(dir, { architecture: "BertForMaskedLM", dtype });
  if (loaded.dtype !== dtype) throw new Error(`internal: asked for ${dtype}, loadPretrained gave ${loaded.dtype}`);
  if (!(loaded.model instanceof BertForMaskedLM)) throw new Error("internal: loadPretrained did not build a BertForMaskedLM");
  return loaded.model;
}

interface Report {
  model: string;
  dtype: ModelDType;
  text: string;
  seed: number;
  maskedLm: MaskedAgreement;
  embeddings: EmbeddingAgreement;
  tasks: TaskAgreement[];
  seconds: number;
}

function table(r: Report): string {
  const f = (x: number, digits = 2): string => x.toFixed(digits);
  const low = r.dtype;
  const m = r.maskedLm;
  const e = r.embeddings;
  const rows = [
    `| fill-mask, ${m.positions} masked pieces of ${m.sentences} sentences | masked-token accuracy % | ${f(m.accuracyFp32)} | ${f(m.accuracyLow)} | top-1 agreement ${f(m.top1Agreement)}% |`,
    `| | MLM loss (nats) | ${f(m.lossFp32, 4)} | ${f(m.lossLow, 4)} | top-5 overlap ${f(m.top5Overlap)}% |`,
    `| sentence vectors, ${e.sentences} sentences | [CLS] cosine to fp32 | 1 | mean ${f(e.cls.mean, 5)}, min ${f(e.cls.min, 5)} | |`,
    `| | mean-pooled cosine to fp32 | 1 | mean ${f(e.mean.mean, 5)}, min ${f(e.mean.min, 5)} | |`,
    ...r.tasks.flatMap((t) => Object.keys(t.fp32).map((k, i) => {
      const digits = Math.abs(t.fp32[k]) < 2 ? 4 : 2; // correlations and losses need more digits than percentages
      const lowValue = t.low[k] ?? NaN;
      return `| ${i === 0 ? `${t.task}, ${t.examples} examples` : ""} | ${k} | ${f(t.fp32[k], digits)} | ${f(lowValue, digits)} | Δ ${f(lowValue - t.fp32[k], digits)} |`;
    })),
  ];
  return [
    `${r.model}, fp32 vs ${low}, held-out text ${r.text} (seed ${r.seed}), ${r.seconds.toFixed(0)} s:`,
    "",
    `| test | metric | fp32 | ${low} | agreement |`,
    "| --- | --- | ---: | ---: | --- |",
    ...rows,
  ].join("\n");
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      ...COMMON_OPTIONS,
      out: { type: "string", default: join(ROOT, "bench", "out", "quantization-accuracy.json") },
      ner: { type: "string" }, "ner-data": { type: "string" },
    },
  });
  const dtype = o.dtype;
  if (!isModelDType(dtype)) throw new InputError(`--dtype ${dtype}: pick one of ${MODEL_DTYPES.join(", ")}`);
  const masks = count("masks", o.masks, 2000);
  const sentenceCount = count("sentences", o.sentences, 500);
  const seed = count("seed", o.seed, 0);
  const batchSize = Math.max(1, count("batch-size", o["batch-size"], 32));
  if (o.threads !== undefined) configure({ threads: Math.max(1, count("threads", o.threads, 1)) });
  const classifier = pair(o.classifier, o["classifier-data"], ["--classifier", "--classifier-data"]);
  const ner = pair(o.ner, o["ner-data"], ["--ner", "--ner-data"]);
  const t0 = performance.now();

  const tokenizer = await loadTokenizer(o.model);
  // A seeded shuffle spreads both samples over the whole file rather than its first articles.
  const sentences = new Rng(seed).shuffle(heldOutSentences(o.text, { minWords: 8, maxWords: 60 }));
  if (sentences.length < sentenceCount) throw new InputError(`--text ${o.text}: only ${sentences.length} usable sentences, fewer than --sentences ${sentenceCount}`);
  const fp32 = loadMaskedLm(o.model, "fp32");
  const low = loadMaskedLm(o.model, dtype);
  const masked = maskSentences(tokenizer, sentences, masks, MASK_RATE, seed, MAX_LENGTH);
  const maskedLm = maskedAgreement(fp32, low, masked, tokenizer.specialTokenId("pad"), batchSize);
  const embeddings = embeddingAgreement(fp32.bert, low.bert, tokenizer, sentences.slice(0, sentenceCount), MAX_LENGTH, batchSize);
  const tasks: TaskAgreement[] = [];
  if (classifier !== null) tasks.push(await taskAgreement("classification", classifier[0], classifier[1], dtype, MAX_LENGTH, batchSize));
  if (ner !== null) tasks.push(await taskAgreement("token-classification", ner[0], ner[1], dtype, MAX_LENGTH, batchSize));

  const report: Report = { model: o.model, dtype, text: o.text, seed, maskedLm, embeddings, tasks, seconds: (performance.now() - t0) / 1000 };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(report, null, 2) + "\n");
  process.stdout.write(table(report) + `\n\nwrote ${o.out}\n`);
  if (dtype !== "fp32" && maskedLm.top1Agreement === 100 && embeddings.mean.min === 1) {
    process.stderr.write(`warning: ${dtype} gave exactly fp32's outputs; is the ${dtype} path really in use?\n`);
  }
}

await main();
