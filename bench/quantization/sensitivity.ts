/**
 * Which Linear layers are quantization-sensitive: for each layer (a self-attention's query, key and value count as
 * one, since they run as one GEMM) and for each kind of layer across the encoder, how much of the gap between the
 * all-int8 (or all-bf16) model and fp32 closes when only those layers stay float32 (`keepFp32`). Measured on the
 * held-out text and with the helpers of accuracy.ts; fp32's outputs are computed once.
 *
 * Per configuration: fill-mask top-1 agreement with fp32, mean |Δ log p(masked word)| against fp32, and the mean
 * cosine of the [CLS] and mean-pooled sentence vectors to fp32's; "closed" = (all-low gap − this gap) / all-low gap
 * (100% = as fp32, 0% = no better than all-low, < 0 = worse). Optionally a fine-tuned classifier's metrics too.
 * Prints ranked markdown tables; writes JSON (default bench/out/quantization-sensitivity-<dtype>.json).
 *
 * npx vite-node bench/quantization/sensitivity.ts -- [--model DIR] [--dtype int8|bf16] [--text FILE] [--masks N]
 *   [--sentences N] [--seed S] [--batch-size N] [--threads N] [--out FILE] [--classifier DIR --classifier-data FILE]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { configure } from "../../src/backend/configure.js";
import { BertForMaskedLM } from "../../src/bert/heads/pretraining.js";
import { linearLayers, type ModelDType } from "../../src/bert/low-precision.js";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { InputError } from "../../src/errors.js";
import { Rng } from "../../src/tensor/random.js";
import { loadTokenizer } from "../../src/tokenizer/model-folder.js";
import { compareSentenceVectors, sentenceVectorsOf, type SentenceVectors } from "./embedding-agreement.js";
import { compareMaskedScores, maskedScores, maskSentences, type PositionScores } from "./masked-agreement.js";
import { COMMON_OPTIONS, count } from "./cli-options.js";
import { heldOutSentences } from "./sentences.js";
import { type TaskMetrics, taskEvaluator } from "./task-agreement.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MASK_RATE = 0.15;
const MAX_LENGTH = 128;

/** A set of Linear layers kept in float32 together. */
interface Unit {
  /** "layer" = one layer (Q/K/V together); "kind" = one kind in every encoder layer; "block" = a whole encoder layer, or the encoder. */
  scope: "layer" | "kind" | "block";
  pattern: string;
  /** Linear weights kept in float32, as a share of all the Linear weights. */
  weightShare: number;
}

/** How far one configuration is from fp32. */
interface Gaps {
  top1Agreement: number; // %
  maskedAccuracy: number; // % of masked words predicted
  mlmLoss: number; // nats
  meanAbsDeltaLogProb: number; // nats
  clsCosine: number; // mean
  meanPooledCosine: number; // mean
  task: Record<string, number> | null;
}

interface Row extends Unit, Gaps {
  /** Share of the all-low gap closed, per measure (%). */
  closed: { top1: number; logProb: number; meanPooled: number; cls: number };
  seconds: number;
}

/** The units of a masked LM's Linear layers: each layer, each kind across the layers, each whole encoder layer. */
function unitsOf(paths: readonly [string, number][]): Unit[] {
  const total = paths.reduce((s, [, size]) => s + size, 0);
  const share = (re: RegExp): number => paths.reduce((s, [p, size]) => s + (re.test(p) ? size : 0), 0) / total;
  const exact = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, "[^.]*")}(\\.|$)`);
  const layer = [...new Set(paths.map(([p]) => p.replace(/\.attention\.self\.(query|key|value)$/, ".attention.self")))];
  const kinds = [...new Set(layer.filter((p) => /\.layer\.\d+\./.test(p)).map((p) => p.replace(/\.layer\.\d+\./, ".layer.*.")))];
  const blocks = [...new Set(layer.flatMap((p) => /^(.*\.layer\.\d+)\./.exec(p)?.[1] ?? []))];
  const encoder = [...new Set(layer.flatMap((p) => /^(.*encoder)\./.exec(p)?.[1] ?? []))];
  return [
    ...layer.map((pattern) => ({ scope: "layer" as const, pattern })),
    ...kinds.map((pattern) => ({ scope: "kind" as const, pattern })),
    ...[...blocks, ...encoder].map((pattern) => ({ scope: "block" as const, pattern })),
  ].map((u) => ({ ...u, weightShare: share(exact(u.pattern)) }));
}

function meanAbsDelta(a: readonly PositionScores[], b: readonly PositionScores[]): number {
  return a.reduce((s, x, i) => s + Math.abs(x.logProb - b[i].logProb), 0) / a.length;
}

function closedShare(base: number, gap: number): number {
  return base === 0 ? 0 : (100 * (base - gap)) / base;
}

function table(rows: readonly Row[], base: Gaps, dtype: ModelDType, scope: Unit["scope"]): string {
  const f = (x: number, d: number): string => x.toFixed(d);
  const task = base.task === null ? [] : Object.keys(base.task);
  const head = `| ${scope === "layer" ? "layer kept in fp32" : scope === "kind" ? "kind kept in fp32, every layer" : "encoder layer kept in fp32"} | weights kept | ` +
    `\\|Δ log p\\| closed | mean-pooled cos closed | [CLS] cos closed | top-1 agr. | top-1 closed | masked acc. | MLM loss |${task.map((k) => ` ${k} |`).join("")}`;
  const line = (name: string, weights: string, g: Gaps, closed: Row["closed"] | null): string =>
    `| ${name} | ${weights} | ${closed === null ? "—" : `${f(closed.logProb, 1)}%`} (${f(g.meanAbsDeltaLogProb, 4)}) | ` +
    `${closed === null ? "—" : `${f(closed.meanPooled, 1)}%`} (${f(g.meanPooledCosine, 6)}) | ${closed === null ? "—" : `${f(closed.cls, 1)}%`} (${f(g.clsCosine, 6)}) | ` +
    `${f(g.top1Agreement, 2)}% | ${closed === null ? "—" : `${f(closed.top1, 1)}%`} | ${f(g.maskedAccuracy, 2)}% | ${f(g.mlmLoss, 4)} |${task.map((k) => ` ${f(g.task?.[k] ?? NaN, 2)} |`).join("")}`;
  const ranked = rows.filter((r) => r.scope === scope).sort((a, b) => b.closed.logProb - a.closed.logProb);
  return [
    head,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${task.map(() => " ---: |").join("")}`,
    line(`all ${dtype} (none kept)`, "0%", base, null),
    ...ranked.map((r) => line(`\`${r.pattern}\``, `${f(100 * r.weightShare, 1)}%`, r, r.closed)),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values: o } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== "--"),
    options: {
      ...COMMON_OPTIONS,
      out: { type: "string" },
    },
  });
  const dtype = o.dtype;
  if (dtype !== "int8" && dtype !== "bf16") throw new InputError(`--dtype ${dtype}: pick int8 or bf16`);
  if ((o.classifier === undefined) !== (o["classifier-data"] === undefined)) throw new InputError("--classifier and --classifier-data go together; give both or neither");
  const masks = count("masks", o.masks, 1000);
  const sentenceCount = count("sentences", o.sentences, 200);
  const seed = count("seed", o.seed, 0);
  const batchSize = Math.max(1, count("batch-size", o["batch-size"], 32));
  if (o.threads !== undefined) configure({ threads: Math.max(1, count("threads", o.threads, 1)) });
  const out = o.out ?? join(ROOT, "bench", "out", `quantization-sensitivity-${dtype}.json`);
  const t0 = performance.now();

  const tokenizer = await loadTokenizer(o.model);
  const padId = tokenizer.specialTokenId("pad");
  const sentences = new Rng(seed).shuffle(heldOutSentences(o.text, { minWords: 8, maxWords: 60 }));
  if (sentences.length < sentenceCount) throw new InputError(`--text ${o.text}: only ${sentences.length} usable sentences, fewer than --sentences ${sentenceCount}`);
  const masked = maskSentences(tokenizer, sentences, masks, MASK_RATE, seed, MAX_LENGTH);
  const vectorSentences = sentences.slice(0, sentenceCount);
  const classifier = o.classifier !== undefined && o["classifier-data"] !== undefined
    ? await taskEvaluator("classification", o.classifier, o["classifier-data"], MAX_LENGTH, batchSize)
    : null;

  /** The model in `load`'s precision, scored on the masked positions and the sentence vectors. */
  const run = (load: { dtype: ModelDType; keepFp32?: readonly string[] }): { scores: PositionScores[]; vectors: SentenceVectors; task: TaskMetrics | null } => {
    const loaded = loadPretrained(o.model, { architecture: "BertForMaskedLM", ...load });
    if (!(loaded.model instanceof BertForMaskedLM)) throw new Error("internal: loadPretrained did not build a BertForMaskedLM");
    const scores = maskedScores(loaded.model, masked, padId, batchSize);
    const vectors = sentenceVectorsOf(loaded.model.bert, tokenizer, vectorSentences, MAX_LENGTH, batchSize);
    // The classifier has the encoder but not the MLM head: only encoder units are measured on it.
    const onClassifier = classifier !== null && (load.keepFp32 ?? []).every((p) => p === "bert.encoder" || p.startsWith("bert.encoder."));
    return { scores, vectors, task: onClassifier ? classifier(load) : null };
  };
  const fp32 = run({ dtype: "fp32" });
  const gaps = (r: ReturnType<typeof run>): Gaps => {
    const m = compareMaskedScores(fp32.scores, r.scores, masked);
    const e = compareSentenceVectors(fp32.vectors, r.vectors);
    return { top1Agreement: m.top1Agreement, maskedAccuracy: m.accuracyLow, mlmLoss: m.lossLow, meanAbsDeltaLogProb: meanAbsDelta(fp32.scores, r.scores), clsCosine: e.cls.mean, meanPooledCosine: e.mean.mean, task: r.task?.metrics ?? null };
  };
  const base = gaps(run({ dtype }));
  process.stderr.write(`fp32 and all-${dtype} done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);

  const lm = loadPretrained(o.model, { architecture: "BertForMaskedLM", dtype: "fp32" }).model;
  const units = unitsOf(linearLayers(lm).map(([p, l]) => [p, l.inFeatures * l.outFeatures]));
  const rows: Row[] = [];
  for (const unit of units) {
    const t = performance.now();
    const g = gaps(run({ dtype, keepFp32: [unit.pattern] }));
    const closed = {
      top1: closedShare(100 - base.top1Agreement, 100 - g.top1Agreement),
      logProb: closedShare(base.meanAbsDeltaLogProb, g.meanAbsDeltaLogProb),
      meanPooled: closedShare(1 - base.meanPooledCosine, 1 - g.meanPooledCosine),
      cls: closedShare(1 - base.clsCosine, 1 - g.clsCosine),
    };
    rows.push({ ...unit, ...g, closed, seconds: (performance.now() - t) / 1000 });
    process.stderr.write(`${unit.pattern}: |Δ log p| closed ${closed.logProb.toFixed(1)}% (${rows[rows.length - 1].seconds.toFixed(1)} s)\n`);
  }

  const seconds = (performance.now() - t0) / 1000;
  const self = compareMaskedScores(fp32.scores, fp32.scores, masked);
  const report = {
    model: o.model, dtype, text: o.text, seed, positions: fp32.scores.length, sentences: masked.length, vectorSentences: vectorSentences.length,
    fp32: { maskedAccuracy: self.accuracyFp32, mlmLoss: self.lossFp32, task: fp32.task?.metrics ?? null }, classifier: o.classifier ?? null, base, rows, seconds,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  const intro = `${o.model}, all-${dtype} vs fp32 and what keeping each unit in fp32 recovers; ${fp32.scores.length} masked pieces of ${masked.length} ` +
    `sentences, ${vectorSentences.length} sentences for the vectors, ${o.text} (seed ${seed}); ${seconds.toFixed(0)} s. ` +
    `fp32: masked acc. ${self.accuracyFp32.toFixed(2)}%, MLM loss ${self.lossFp32.toFixed(4)}` +
    (fp32.task === null ? "" : `; ${o.classifier ?? ""}: ${Object.entries(fp32.task.metrics).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ")} over ${fp32.task.examples} examples`) +
    `. "closed": share of the all-${dtype} gap to fp32 closed (the measure in brackets).`;
  process.stdout.write([intro, "", table(rows, base, dtype, "layer"), "", table(rows, base, dtype, "kind"), "", table(rows, base, dtype, "block"), "", `wrote ${out}`, ""].join("\n"));
}

await main();
