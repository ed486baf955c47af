/** `bertkit pretrain`: masked LM + next-sentence prediction from `bertkit prepare` shards, with checkpoints and resume. */
import type { Command } from "commander";
import { betaPair, integer, nonNegativeNumber, positiveNumber } from "../parse.js";
import { required, UsageError } from "../usage.js";

/** Exit code after Ctrl-C (SIGINT) or SIGTERM, as shells report a process ended by SIGINT: 128 + 2. */
export const EXIT_INTERRUPTED = 130;

interface PretrainFlags {
  data?: string[];
  out?: string;
  config?: string;
  init?: string;
  vocab?: string;
  batchSize: number;
  gradAccum: number;
  steps?: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  clip: number;
  dropout?: number;
  seed: number;
  shuffle: boolean;
  evalData?: string[];
  evalEvery: number;
  saveEvery: number;
  keep?: number;
  resume?: boolean;
  dynamicMasking?: boolean;
  log?: string;
  threads?: number;
}

export function registerPretrain(program: Command): void {
  program
    .command("pretrain")
    .description("pre-train BertForPreTraining (masked LM + next-sentence prediction) on shards from bertkit prepare; checkpoints in the Hugging Face layout, exact --resume")
    .option("--data <paths...>", "(required) shard folders from bertkit prepare, or .safetensors files of shard tensors")
    .option("--out <dir>", "(required) output folder: checkpoint-<step>/ folders, log.jsonl, training.svg, and the final model")
    .option("--config <preset|file>", "a new model with random weights: preset (tiny, mini, small, medium, base, large) or config.json")
    .option("--init <dir>", "a model folder to continue from (instead of --config)")
    .option("--vocab <dir|file>", "the tokenizer the shards were made with (default: the --init folder's); needed with --config")
    .option("--batch-size <n>", "rows per micro-batch", integer(1), 32)
    .option("--grad-accum <n>", "micro-batches per optimizer step", integer(1), 1)
    .option("--steps <n>", "(required) optimizer steps in the whole run", integer(1))
    .option("--lr <x>", "peak learning rate", positiveNumber, 1e-4)
    .option("--warmup <n>", "linear warm-up steps, then linear decay to 0 at --steps", integer(0), 0)
    .option("--weight-decay <x>", "AdamW weight decay (not on biases and LayerNorm weights)", nonNegativeNumber, 0.01)
    .option("--betas <b1,b2>", "AdamW betas", betaPair, [0.9, 0.999])
    .option("--eps <x>", "AdamW epsilon", positiveNumber, 1e-6)
    .option("--clip <x>", "global gradient-norm clipping", positiveNumber, 1.0)
    .option("--dropout <p>", "hidden and attention dropout (default: the config's)", nonNegativeNumber)
    .option("--seed <n>", "seeds initialisation, data order, dropout and dynamic masks", integer(0, 2 ** 32 - 1), 42)
    .option("--no-shuffle", "rows in stored order instead of a seeded shuffle per epoch")
    .option("--eval-data <paths...>", "held-out shards, evaluated every --eval-every steps")
    .option("--eval-every <n>", "evaluation interval in steps (0: never)", integer(0), 0)
    .option("--save-every <n>", "checkpoint interval in steps (0: only at the end and on Ctrl-C)", integer(0), 0)
    .option("--keep <n>", "keep only the newest n checkpoints", integer(1))
    .option("--resume", "continue from the newest complete checkpoint in --out, exactly as if never stopped")
    .option("--dynamic-masking", "re-mask every batch from the stored originals (RoBERTa) instead of the shards' static masks")
    .option("--log <file>", "JSON-lines log, one line per step (default OUT/log.jsonl)")
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (o: PretrainFlags) => {
      const data = required(o.data, "--data <paths...>");
      const out = required(o.out, "--out <dir>");
      const steps = required(o.steps, "--steps <n>");
      if (o.config !== undefined && o.init !== undefined) throw new UsageError("give --config or --init, not both");
      if (o.evalEvery > 0 && o.evalData === undefined) throw new UsageError("--eval-every needs --eval-data");
      const { pretrain } = await import("../../tasks/pretraining/pretrain.js");
      const r = await pretrain({
        data, out, config: o.config, init: o.init, vocab: o.vocab, batchSize: o.batchSize, gradAccum: o.gradAccum, steps,
        lr: o.lr, warmup: o.warmup, weightDecay: o.weightDecay, betas: o.betas, eps: o.eps, clip: o.clip, dropout: o.dropout,
        seed: o.seed, shuffle: o.shuffle, evalData: o.evalData, evalEvery: o.evalEvery, saveEvery: o.saveEvery, keep: o.keep,
        resume: o.resume === true, dynamicMasking: o.dynamicMasking === true, log: o.log,
      });
      const seconds = r.timing.stepSeconds;
      const loss = r.last === null ? "" : `, loss ${r.last.loss.toFixed(4)}`;
      const speed = r.timing.steps === 0 ? "" : ` (${(r.timing.steps / Math.max(seconds, 1e-9)).toFixed(2)} steps/s)`;
      if (r.interrupted !== null) {
        process.stderr.write(`bertkit: stopped by ${r.interrupted} at step ${r.step}${loss}; saved ${r.checkpoint ?? "nothing"}. Continue with --resume.\n`);
        process.exitCode = EXIT_INTERRUPTED;
        return;
      }
      process.stdout.write(`trained ${r.step} steps${loss}${speed}; model in ${r.model ?? out}, log in ${r.log}\n`);
    });
}
