/** `bertkit finetune <task>`: fine-tune a pre-trained folder for classification, QA or NER, with evaluation each epoch. */
import type { Command } from "commander";
import { FINETUNE_DEFAULTS } from "../../tasks/finetune/defaults.js";
import { betaPair, integer, nonNegativeNumber, positiveNumber } from "../parse.js";
import { required } from "../usage.js";
import { EXIT_INTERRUPTED } from "./pretrain.js";
import { addTaskFlags, taskName, taskSpec, type TaskFlags } from "./task-flags.js";

interface FinetuneFlags extends TaskFlags {
  model?: string;
  train?: string;
  eval?: string;
  out?: string;
  epochs: number;
  lr: number;
  batchSize: number;
  gradAccum: number;
  warmupRatio: number;
  weightDecay: number;
  eps: number;
  betas: [number, number];
  clip: number;
  dropout?: number;
  seed: number;
  saveEvery?: number;
  keep: number;
  resume?: boolean;
  randomInit?: boolean;
  groupByLength: boolean;
  log?: string;
  threads?: number;
}

function fixed(metrics: Record<string, number>): string {
  return Object.entries(metrics).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`).join(", ");
}

export function registerFinetune(program: Command): void {
  const command = program
    .command("finetune")
    .argument("<task>", "classification | qa | token-classification")
    .description("fine-tune a pre-trained model: text classification (TSV/CSV/JSONL, pairs, multi-label, regression), extractive QA (SQuAD v1.1/v2.0 JSON) or token classification (CoNLL); evaluation each epoch keeps the best model")
    .option("--model <dir>", "(required) pre-trained model folder (config.json, model.safetensors, vocab.txt)")
    .option("--train <file>", "(required) training data")
    .option("--eval <file>", "evaluation data, scored after every epoch; the best model is kept")
    .option("--out <dir>", "(required) output folder: the fine-tuned model, checkpoints, log.jsonl, training.svg")
    .option("--epochs <n>", "passes over the training data", integer(1), FINETUNE_DEFAULTS.epochs)
    .option("--lr <x>", "peak learning rate", positiveNumber, FINETUNE_DEFAULTS.lr)
    .option("--batch-size <n>", "rows per micro-batch", integer(1), FINETUNE_DEFAULTS.batchSize)
    .option("--grad-accum <n>", "micro-batches per optimizer step", integer(1), 1)
    .option("--warmup-ratio <x>", "fraction of the steps for linear warm-up, then linear decay to 0", nonNegativeNumber, FINETUNE_DEFAULTS.warmupRatio)
    .option("--weight-decay <x>", "AdamW weight decay (not on biases and LayerNorm weights)", nonNegativeNumber, FINETUNE_DEFAULTS.weightDecay)
    .option("--eps <x>", "AdamW epsilon", positiveNumber, FINETUNE_DEFAULTS.eps)
    .option("--betas <b1,b2>", "AdamW betas", betaPair, [0.9, 0.999])
    .option("--clip <x>", "global gradient-norm clipping", positiveNumber, 1.0)
    .option("--dropout <p>", "hidden, attention and classifier dropout (default: the config's)", nonNegativeNumber)
    .option("--seed <n>", "seeds the new head, data order and dropout", integer(0, 2 ** 32 - 1), 42)
    .option("--save-every <n>", "checkpoint interval in steps (default: every epoch)", integer(1))
    .option("--keep <n>", "keep only the newest n checkpoints", integer(1), 2)
    .option("--resume", "continue from the newest complete checkpoint in --out, exactly as if never stopped")
    .option("--random-init", "train the folder's architecture from random weights (a baseline for what pre-training is worth)")
    .option("--no-group-by-length", "plain shuffled batches instead of batches of similar lengths")
    .option("--log <file>", "JSON-lines log (default OUT/log.jsonl)")
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024));
  addTaskFlags(command).action(async (taskArg: string, o: FinetuneFlags) => {
    const task = taskName(taskArg);
    const model = required(o.model, "--model <dir>");
    const train = required(o.train, "--train <file>");
    const out = required(o.out, "--out <dir>");
    const spec = await taskSpec(task, o);
    const { finetune } = await import("../../tasks/finetune/finetune.js");
    const r = await finetune(spec, {
      model, train, eval: o.eval, out, epochs: o.epochs, lr: o.lr, batchSize: o.batchSize, gradAccum: o.gradAccum,
      warmupRatio: o.warmupRatio, weightDecay: o.weightDecay, eps: o.eps, betas: o.betas, clip: o.clip, dropout: o.dropout,
      seed: o.seed, saveEvery: o.saveEvery, keep: o.keep, resume: o.resume === true, randomInit: o.randomInit === true, groupByLength: o.groupByLength, log: o.log,
    });
    if (r.interrupted !== null) {
      process.stderr.write(`bertkit: stopped by ${r.interrupted} at step ${r.step}; saved ${r.checkpoint ?? "nothing"}. Continue with --resume.\n`);
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    const loss = r.last === null ? "" : `, last loss ${r.last.loss.toFixed(4)}`;
    process.stdout.write(`fine-tuned ${r.step} steps (${r.examples.train} examples)${loss} in ${r.timing.stepSeconds.toFixed(1)} s; model in ${r.model ?? out}\n`);
    if (r.best !== null) process.stdout.write(`best evaluation (step ${r.best.step}): ${fixed(r.best.metrics)}\n`);
  });
}
