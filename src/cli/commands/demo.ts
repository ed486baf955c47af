/**
 * `bertkit demo`: the story of BERT on four public-domain novels shipped with bertkit — a WordPiece vocabulary,
 * pre-training (MLM + NSP) from random weights, fill-mask before and after, sentence vectors. The work is
 * `runDemo` (src/demo/run-demo.ts); results go to standard output, progress bars to standard error.
 */
import type { Command } from "commander";
import { DEFAULT_SETTINGS, QUICK_SETTINGS } from "../../demo/settings.js";
import { EXIT_INTERRUPTED } from "./pretrain.js";
import { integer } from "../parse.js";
import { UsageError } from "../usage.js";

interface DemoFlags {
  out: string;
  force?: boolean;
  quick?: boolean;
  steps?: number;
  seed?: number;
  model?: string;
  threads?: number;
}

const HELP = `
Stages: 1 train a WordPiece vocabulary on the novels; 2 pre-train a small BERT on them from random weights
(masked words + next sentence), drawing the loss to OUT/model/training.svg; 3 fill in masked words with the
untrained and the pre-trained model; 4 compare sentences by their [CLS] and mean-pooled vectors; 5 fine-tune a
classifier (which book is a sentence from?), against the same model trained from random weights; 6 fine-tune
for question answering on a toy set made from the books. The default run takes about 4 minutes on two
idle cores; --quick (a ${QUICK_SETTINGS.pretrain.layers}-layer model, ${QUICK_SETTINGS.pretrain.steps} steps) shows every stage in seconds but learns little.
With --model DIR (e.g. ../shared/models/gutenberg-mini) pre-training is skipped and stages 3–6 use that model.
OUT keeps everything: vocab/, shards/, model/ (a Hugging Face folder with log.jsonl and training.svg),
classifier/, qa/ (their data and models) and summary.json.

Examples:
  bertkit demo
  bertkit demo --quick --out /tmp/demo
  bertkit demo --steps 6000            # longer pre-training, better guesses
  bertkit demo --model ../shared/models/gutenberg-mini`;

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("BERT in a few minutes on four public-domain novels: a vocabulary, pre-training, filling in masked words, sentence vectors, fine-tuning a classifier and question answering")
    .option("--out <dir>", "output folder: new, empty, or a previous demo's (replaced)", "bertkit-demo")
    .option("--force", "write into a non-empty folder that is not a previous demo's (only the demo's own entries are replaced)")
    .option("--quick", "a tiny model and a few steps: every stage in seconds, but little is learned")
    .option("--steps <n>", `pre-training steps (default ${DEFAULT_SETTINGS.pretrain.steps}; --quick: ${QUICK_SETTINGS.pretrain.steps})`, integer(1, 1_000_000))
    .option("--seed <n>", "random seed of every stage (same seed → same results)", integer(0, 2 ** 32 - 1))
    .option("--model <dir|id>", "skip pre-training: run the later stages on this pre-trained model (a folder or a hub id)")
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .addHelpText("after", HELP)
    .action(async (o: DemoFlags) => {
      if (o.model !== undefined && (o.steps !== undefined || o.quick === true)) {
        throw new UsageError(`--model skips pre-training, so ${o.steps !== undefined ? "--steps" : "--quick"} has nothing to do; drop one of them`);
      }
      const { resolveModel } = await import("../../hub/resolve.js");
      const { runDemo } = await import("../../demo/run-demo.js");
      const model = o.model === undefined ? undefined : (await resolveModel(o.model)).dir;
      const summary = await runDemo({ out: o.out, force: o.force === true, quick: o.quick === true, steps: o.steps, seed: o.seed, model });
      if (summary.interrupted !== null) process.exitCode = EXIT_INTERRUPTED;
    });
}
