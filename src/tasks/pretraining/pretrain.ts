/**
 * `pretrain()`: BERT pre-training (masked LM + next-sentence prediction) from shards, as google-research/bert's
 * run_pretraining.py and Hugging Face's recipe do it — AdamW, linear warm-up then linear decay to 0, global-norm
 * clipping — on the generic trainer (src/train), which brings the log, evaluation, atomic checkpoints and exact
 * resume. Checkpoints are Hugging Face folders (config.json, model.safetensors, vocab.txt, tokenizer.json) plus the
 * trainer's state; at the end the model also goes to the output folder itself, with a plot of the log.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type BertConfig, isPresetName, presetConfig, readConfig } from "../../bert/config.js";
import { BertForPreTraining } from "../../bert/heads/pretraining.js";
import { bertParamGroups } from "../../bert/param-groups.js";
import { loadPretrained, newlyInitializedWarning, savePretrained } from "../../bert/pretrained.js";
import { loadStateDict, stateDict } from "../../bert/state-dict.js";
import { maskingVocab } from "../../data/pretraining/masking.js";
import { openShards, type PretrainingBatch, type ShardDataset } from "../../data/pretraining/shard-dataset.js";
import { InputError } from "../../errors.js";
import { readSafetensors } from "../../io/safetensors.js";
import { plotTrainingLog } from "../../report/plot.js";
import { manualSeed } from "../../nn/random-state.js";
import { Tensor } from "../../tensor/tensor.js";
import { type BertTokenizer, loadTokenizer, saveTokenizerFiles } from "../../tokenizer/index.js";
import { AdamW } from "../../train/adamw.js";
import type { ProgressReporter } from "../../train/progress.js";
import { linearWarmupDecay } from "../../train/schedule.js";
import type { Dataset } from "../../train/task.js";
import { train, type TrainResult } from "../../train/trainer.js";
import { maskingRecipe } from "./dynamic-masking.js";
import { pretrainingTask } from "./pretraining-task.js";

export interface PretrainOptions {
  /** Shard folders from `bertkit prepare`, or safetensors files of shard tensors; rows are concatenated in order. */
  data: readonly string[];
  out: string;
  /** A preset name (tiny … large) or a config.json: a model from random initialisation… */
  config?: string;
  /** …or a model folder to continue from (its heads, if any, are kept). */
  init?: string;
  /** Tokenizer folder or vocab.txt; default: the --init folder's. Needed with --config. */
  vocab?: string;
  batchSize: number;
  gradAccum?: number;
  steps: number;
  lr: number;
  warmup: number;
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  clip?: number | null;
  /** Overrides the config's hidden and attention dropout. */
  dropout?: number;
  seed?: number;
  shuffle?: boolean;
  evalData?: readonly string[];
  evalEvery?: number;
  saveEvery?: number;
  keep?: number | null;
  resume?: boolean;
  /** Re-mask every training batch from the stored originals (RoBERTa) instead of the shards' static masks. */
  dynamicMasking?: boolean;
  /** JSON-lines log; default OUT/log.jsonl. */
  log?: string;
  progress?: ProgressReporter;
  /** Where warnings go (a head newly initialised); default stderr. */
  warn?: (line: string) => void;
  signal?: AbortSignal;
}

/** The plot of the log that a run leaves in its output folder. */
export const PLOT_FILE = "training.svg";

export interface PretrainResult extends TrainResult {
  /** The folder holding the final model (OUT), or null when the run was interrupted. */
  model: string | null;
  log: string;
}

type PretrainingData = Dataset<PretrainingBatch> & { first: ShardDataset };

/** One Dataset over every path, rows in the order given; several paths must share a sequence length. */
function openData(paths: readonly string[], tokenizer: BertTokenizer | null, vocabSize: number, flag: string): PretrainingData {
  if (paths.length === 0) throw new InputError(`${flag} needs at least one shard folder or file`);
  const vocab = tokenizer === null ? undefined : { tokens: tokenizer.vocab.tokens, source: "the model's tokenizer" };
  const sets = paths.map((p) => openShards(p, { vocab, vocabSize }));
  const first = sets[0];
  const other = sets.find((s) => s.seqLength !== first.seqLength);
  if (other !== undefined) {
    throw new InputError(`${flag}: ${other.path} has rows of ${other.seqLength} tokens but ${first.path} of ${first.seqLength}; give shards of one --max-seq-length`);
  }
  if (sets.length === 1) return { size: first.size, first, batch: (rows) => first.batch(rows) };
  const starts: number[] = [];
  let size = 0;
  for (const s of sets) {
    starts.push(size);
    size += s.size;
  }
  return {
    size,
    first,
    batch(rows: readonly number[]): PretrainingBatch {
      // Row by row from the set that holds it, stacked in the order asked for.
      return stackRows(rows.map((r) => {
        let i = sets.length - 1;
        while (starts[i] > r) i--;
        return sets[i].batch([r - starts[i]]);
      }));
    },
  };
}

/** Single-row batches → one batch, (B, T) and (B). */
function stackRows(rows: readonly PretrainingBatch[]): PretrainingBatch {
  const cat = (pick: (b: PretrainingBatch) => Tensor): Tensor => {
    const shape = pick(rows[0]).shape;
    const data = new Int32Array(rows.length * pick(rows[0]).size);
    rows.forEach((b, i) => data.set(pick(b).ints("pretraining batch"), i * data.length / rows.length));
    return new Tensor(data, [rows.length, ...shape.slice(1)]);
  };
  return {
    inputIds: cat((b) => b.inputIds), tokenTypeIds: cat((b) => b.tokenTypeIds), attentionMask: cat((b) => b.attentionMask),
    labels: cat((b) => b.labels), nextSentenceLabel: cat((b) => b.nextSentenceLabel),
  };
}

function modelConfig(spec: string, tokenizer: BertTokenizer | null): BertConfig {
  const vocabSize = tokenizer?.vocab.size;
  const overrides = vocabSize === undefined ? {} : { vocab_size: vocabSize };
  if (isPresetName(spec)) return presetConfig(spec, overrides);
  const path = existsSync(join(spec, "config.json")) ? join(spec, "config.json") : spec;
  if (!existsSync(path)) throw new InputError(`--config ${spec}: not a preset (tiny, mini, small, medium, base, large) nor a config.json or model folder`);
  const config = readConfig(path);
  if (vocabSize !== undefined && config.vocab_size !== vocabSize) {
    throw new InputError(`${path} has vocab_size ${config.vocab_size} but the vocabulary has ${vocabSize} tokens; make them agree`);
  }
  return config;
}

const CONFIG_OR_INIT = "give either --config PRESET|config.json (random weights) or --init DIR (a model to continue)";

/** The model to train and its config: from a folder (--init) or a config with random weights (--config). */
function buildModel(o: PretrainOptions, tokenizer: BertTokenizer | null): { model: BertForPreTraining; config: BertConfig } {
  if ((o.config === undefined) === (o.init === undefined)) throw new InputError(CONFIG_OR_INIT);
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) throw new InputError(`--dropout must be in [0, 1), got ${o.dropout}`);
  const dropout = o.dropout === undefined ? {} : { hidden_dropout_prob: o.dropout, attention_probs_dropout_prob: o.dropout };
  manualSeed(o.seed ?? 42); // initialisation is reproducible from the seed
  if (o.init === undefined) {
    const config = { ...modelConfig(o.config ?? "", tokenizer), ...dropout };
    return { model: new BertForPreTraining(config), config };
  }
  // The folder's weights in a model built from its config (with --dropout applied), heads kept when present.
  const loaded = loadPretrained(o.init, { architecture: "BertForPreTraining" });
  const warning = newlyInitializedWarning(loaded, o.init);
  if (warning !== null) (o.warn ?? ((l: string) => void process.stderr.write(`bertkit: warning: ${l}\n`)))(warning);
  const config = { ...loaded.config, ...dropout };
  const model = new BertForPreTraining(config);
  loadStateDict(model, stateDict(loaded.model), { source: o.init, allowNewHead: false });
  return { model, config };
}

async function openTokenizer(o: PretrainOptions): Promise<BertTokenizer | null> {
  const source = o.vocab ?? o.init;
  if (source === undefined) throw new InputError("--config needs --vocab DIR|FILE (the tokenizer the shards were made with)");
  const hasTokenizer = o.vocab !== undefined || existsSync(join(source, "vocab.txt")) || existsSync(join(source, "tokenizer.json"));
  return hasTokenizer ? loadTokenizer(source) : null;
}

export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  if ((o.config === undefined) === (o.init === undefined)) throw new InputError(CONFIG_OR_INIT);
  const tokenizer = await openTokenizer(o);
  const { model, config } = buildModel(o, tokenizer);
  const data = openData(o.data, tokenizer, config.vocab_size, "--data");
  const evalData = o.evalData === undefined || o.evalData.length === 0 ? undefined : openData(o.evalData, tokenizer, config.vocab_size, "--eval-data");
  if (o.dynamicMasking === true && tokenizer === null) throw new InputError("--dynamic-masking needs the tokenizer (--vocab DIR|FILE) to know the special tokens");
  const masking = o.dynamicMasking === true && tokenizer !== null ? { vocab: maskingVocab(tokenizer), options: maskingRecipe(data.first.manifest) } : null;
  const log = o.log ?? join(o.out, "log.jsonl");
  const result = await train({
    model, task: pretrainingTask({ masking }), data, evalData,
    optimizer: new AdamW(bertParamGroups(model.namedParameters(), o.weightDecay ?? 0.01), { lr: o.lr, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-6 }),
    schedule: linearWarmupDecay(o.lr, o.warmup, o.steps),
    steps: o.steps, batchSize: o.batchSize, gradAccum: o.gradAccum, clip: o.clip === undefined ? 1.0 : o.clip, shuffle: o.shuffle,
    seed: o.seed, evalEvery: o.evalEvery, outDir: o.out, saveEvery: o.saveEvery, keep: o.keep, resume: o.resume, logFile: log,
    progress: o.progress, signal: o.signal,
    saveModel: (m, dir) => {
      savePretrained(dir, m, config, "BertForPreTraining");
      if (tokenizer !== null) saveTokenizerFiles(tokenizer, dir);
    },
    loadModel: (m, dir) => {
      const file = join(dir, "model.safetensors");
      loadStateDict(m, readSafetensors(file).tensors, { source: file, allowNewHead: false });
    },
  });
  if (result.last !== null) await plotTrainingLog(log, join(o.out, PLOT_FILE)); // beside the checkpoints, also on Ctrl-C
  if (result.interrupted !== null) return { ...result, model: null, log };
  savePretrained(o.out, model, config, "BertForPreTraining");
  if (tokenizer !== null) saveTokenizerFiles(tokenizer, o.out);
  return { ...result, model: o.out, log };
}
