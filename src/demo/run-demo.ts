/**
 * `runDemo(options)`: the story of BERT in a few minutes on a laptop, on four public-domain novels shipped with
 * bertkit. Stages, each with a header line and its results:
 *
 *   vocabulary (WordPiece) → pre-training (MLM + NSP, from random weights) → fill-mask, untrained vs pre-trained
 *   → sentence vectors ([CLS] and mean pooling) → fine-tuning a classifier (which book is a sentence from?)
 *   → fine-tuning for question answering (a toy set made from the books)
 *
 * With `model` (a pre-trained Hugging Face folder such as gutenberg-mini) the first two are skipped and the
 * later stages run on that checkpoint. Everything random is seeded: the same options give the same vocabulary,
 * rows, weights, predictions and scores. Ctrl-C during a training run stops the demo after that run saved.
 */
import { statSync, writeFileSync } from "node:fs";
import { InputError } from "../errors.js";
import type { ProgressStream } from "../train/progress.js";
import { readBooks } from "./book-text.js";
import { type DemoContext, DemoStopped, formatBytes } from "./context.js";
import { type DemoCorpus, demoCorpus } from "./corpus.js";
import { type DemoModels, demoModels } from "./models.js";
import { demoPath, prepareDemoFolder } from "./out-folder.js";
import { type DemoSettings, demoSettings } from "./settings.js";
import { StageRunner, type StageTitle } from "./stage-runner.js";
import { classifierStage } from "./stages/classifier.js";
import { fillMaskStage } from "./stages/fill-mask.js";
import { pretrainStage } from "./stages/pretrain.js";
import { qaStage } from "./stages/qa.js";
import { similarityStage } from "./stages/similarity.js";
import { vocabStage } from "./stages/vocab.js";
import { type DemoSummary, printSummary } from "./summary.js";

export interface DemoOptions {
  /** Output folder (created; a previous demo's is reused; another non-empty folder needs `force`). */
  out: string;
  force?: boolean;
  /** A short run: tiny model, few steps (well under a minute). */
  quick?: boolean;
  /** Pre-training steps (default: the run's settings). */
  steps?: number;
  seed?: number;
  /** Run the later stages on this pre-trained model folder instead of pre-training one. */
  model?: string;
  /** Replaces the settings `quick`/`steps`/`seed` would give (tests use it for runs of a few seconds). */
  settings?: DemoSettings;
  /** The folder of the novels (default: the shipped data/demo/); tests give shortened copies. */
  corpusDir?: string;
  /** Where result lines go; default standard output. */
  print?: (line: string) => void;
  /** Where progress bars go when it is a terminal; default standard error; null: none. */
  progress?: ProgressStream | null;
  /** Aborting it stops the demo as Ctrl-C does: after the current training step, with its checkpoint saved. */
  signal?: AbortSignal;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function stageTitles(corpus: DemoCorpus, model: string | undefined): StageTitle[] {
  const first: StageTitle[] = model === undefined
    ? [
        { name: "vocabulary", title: `Training a WordPiece vocabulary on ${corpus.books.length} public-domain novels (${formatBytes(corpus.bytes)})` },
        { name: "pre-training", title: "Pre-training BERT from random weights: masked words (MLM) + next-sentence prediction (NSP)" },
      ]
    : [{ name: "loading", title: `Loading the pre-trained model ${model}` }];
  return [
    ...first,
    { name: "fill-mask", title: `Filling in masked words: random weights, then ${model === undefined ? "after pre-training" : "the pre-trained model"}` },
    { name: "sentence vectors", title: "Comparing sentences by their vectors" },
    { name: "classifier", title: "Fine-tuning a classifier: which book is this sentence from?" },
    { name: "question answering", title: "Fine-tuning for question answering (a toy set made from the books)" },
  ];
}

/** Vocabulary and pre-training; the models they give. */
async function pretrainedModels(ctx: DemoContext, stages: StageRunner, corpus: DemoCorpus, summary: DemoSummary): Promise<DemoModels> {
  const vocab = await stages.run(() => vocabStage(ctx, corpus, demoPath(ctx.out, "vocab")));
  summary.vocab = { dir: vocab.dir, size: vocab.tokenizer.vocab.size };
  const paths = { vocab: vocab.dir, shards: demoPath(ctx.out, "shards"), model: demoPath(ctx.out, "model") };
  const pre = await stages.run(() => pretrainStage(ctx, corpus, vocab.tokenizer, paths));
  summary.pretraining = {
    dir: pre.dir, plot: pre.plot, log: pre.log, steps: pre.steps, rows: pre.rows, firstLoss: pre.firstLoss, lastLoss: pre.lastLoss,
    maskedAccuracy: pre.maskedAccuracy, nspAccuracy: pre.nspAccuracy, averaged: pre.averaged,
  };
  return demoModels(pre.dir, ctx.settings.seed, (l) => ctx.print(`    note: ${l}`), pre.untrained);
}

/** The given model folder and its untrained twin. */
async function givenModels(ctx: DemoContext, stages: StageRunner, dir: string): Promise<DemoModels> {
  return stages.run(async () => {
    const models = await demoModels(dir, ctx.settings.seed, (l) => ctx.print(`    note: ${l}`));
    const c = models.config;
    ctx.print(`    ${c.num_hidden_layers} layers, hidden size ${c.hidden_size}, ${c.num_attention_heads} heads, vocabulary of ${c.vocab_size.toLocaleString("en-US")}`);
    return models;
  });
}

async function runStages(ctx: DemoContext, stages: StageRunner, corpus: DemoCorpus, summary: DemoSummary, model: string | undefined): Promise<void> {
  const models = model === undefined ? await pretrainedModels(ctx, stages, corpus, summary) : await givenModels(ctx, stages, model);
  const trainedName = model === undefined ? "after pre-training" : "pre-trained";
  summary.fillMask = await stages.run(() =>
    fillMaskStage(ctx, [{ name: "random weights", pipeline: models.untrainedFillMask }, { name: trainedName, pipeline: models.fillMask }]),
  );
  summary.similarity = await stages.run(() => similarityStage(ctx, models.embed));
  const books = readBooks(corpus);
  const classifier = await stages.run(() => classifierStage(ctx, books, summary.model, demoPath(ctx.out, "classifier")));
  summary.classifier = { dir: classifier.dir, accuracy: classifier.accuracy, baselineAccuracy: classifier.baselineAccuracy, chance: classifier.chance };
  const qa = await stages.run(() => qaStage(ctx, books, summary.model, demoPath(ctx.out, "qa")));
  summary.qa = { dir: qa.dir, exactMatch: qa.exactMatch, f1: qa.f1 };
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const settings = options.settings ?? demoSettings(options);
  if (options.model !== undefined && options.steps !== undefined) throw new InputError("steps sets pre-training, which a given model skips; drop one of them");
  if (options.model !== undefined && !isFolder(options.model)) {
    throw new InputError(`model folder ${options.model} does not exist; give a pre-trained Hugging Face folder (config.json, model.safetensors, vocab.txt)`);
  }
  const started = performance.now();
  const corpus = demoCorpus(options.corpusDir);
  const ctx: DemoContext = {
    out: options.out, settings, print: options.print ?? ((line) => void process.stdout.write(`${line}\n`)),
    progress: options.progress === undefined ? process.stderr : options.progress, signal: options.signal,
  };
  const reused = prepareDemoFolder(options.out, { force: options.force === true, flag: "--out" });
  if (reused === "reused") ctx.print(`(replacing the previous demo in ${options.out})`);
  const summary: DemoSummary = {
    out: options.out, seconds: 0, stages: [], corpus: { books: corpus.books.map((b) => b.title), bytes: corpus.bytes },
    vocab: null, pretraining: null, model: options.model ?? demoPath(options.out, "model"),
    fillMask: [], similarity: [], classifier: null, qa: null, interrupted: null,
  };
  const stages = new StageRunner(stageTitles(corpus, options.model), ctx.print);
  try {
    await runStages(ctx, stages, corpus, summary, options.model);
  } catch (error) {
    if (!(error instanceof DemoStopped)) throw error;
    summary.interrupted = error.reason;
  }
  summary.stages = stages.times;
  summary.seconds = (performance.now() - started) / 1000;
  writeFileSync(demoPath(options.out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  printSummary(ctx, summary);
  return summary;
}
