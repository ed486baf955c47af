/**
 * `bertkit prepare`: text files → masked next-sentence-prediction rows in safetensors shards, as google-research/bert's
 * create_pretraining_data.py (see docs/pretraining.md). The work is `prepareShards` (src/data/pretraining/prepare.ts).
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { PrepareProgress } from "../../data/pretraining/prepare.js";
import { PREPARE_DEFAULTS } from "../../data/pretraining/prepare-defaults.js";
import type { CorpusFormat } from "../../data/pretraining/documents.js";
import { integer } from "../parse.js";
import { required, UsageError } from "../usage.js";

interface PrepareFlags {
  corpus?: string[];
  vocab?: string;
  cased?: boolean;
  out?: string;
  format: CorpusFormat;
  maxSeqLength: number;
  maxPredictions: number;
  maskedLmProb: number;
  shortSeqProb: number;
  dupeFactor: number;
  wholeWordMask?: boolean;
  seed: number;
  blockTokens: number;
  rowsPerShard: number;
}

/** A probability: strictly between 0 and 1 (`open`), or from 0 to 1. */
function probability(open: boolean): (value: string) => number {
  return (value: string): number => {
    const p = value.trim() === "" ? Number.NaN : Number(value);
    const ok = open ? p > 0 && p < 1 : p >= 0 && p <= 1;
    if (!ok) throw new InvalidArgumentError(open ? "expected a number strictly between 0 and 1" : "expected a number from 0 to 1");
    return p;
  };
}

/** A progress bar of bytes read on stderr when it is a terminal; nothing otherwise. */
async function progressReporter(): Promise<{ update: (p: PrepareProgress) => void; stop: () => void }> {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const { SingleBar } = await import("cli-progress");
  const bar = new SingleBar({ stream: process.stderr, format: "preparing [{bar}] {percentage}% | {mb}/{totalMb} MB | {rows} rows", hideCursor: true });
  let started = false;
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  return {
    update(p) {
      const payload = { mb: mb(p.bytesRead), totalMb: mb(p.totalBytes), rows: p.rows };
      if (!started) bar.start(p.totalBytes, p.bytesRead, payload);
      else bar.update(p.bytesRead, payload);
      started = true;
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}

const HELP = `
Documents and sentences (--format):
  prose  (default) hard-wrapped text: a blank line ends a paragraph, a paragraph's lines are joined and split
         into sentences at . ! ? followed by a space and a capital (or an opening quote and a capital), not after
         Mr. Mrs. Dr. St. and other common abbreviations or an initial. A document is one file.
  lines  google-research's format: each non-blank line is one sentence; a blank line ends a document.
Memory: documents are gathered into blocks of at most --block-tokens word pieces; NSP pairs, random B segments
and the shuffle stay within a block. Writes shard-00000.safetensors… and manifest.json last (its presence means
the folder is complete); an earlier run's manifest and shards in --out are removed first.
Example: bertkit prepare --corpus ../shared/data/pretrain/gutenberg/*.txt --vocab ../shared/models/gutenberg-mini --out /tmp/shards`;

export function registerPrepare(program: Command): void {
  const d = PREPARE_DEFAULTS;
  program
    .command("prepare")
    .description("make pre-training data: masked-LM + next-sentence rows in safetensors shards (google-research/bert's create_pretraining_data.py)")
    .option("--corpus <files...>", "(required) UTF-8 text files")
    .option("--vocab <path>", "(required) model or tokenizer folder, tokenizer.json, or a bare vocab.txt (lower-cased unless --cased)")
    .option("--cased", "with a bare vocab.txt: keep case and accents (a folder says its own casing)")
    .option("--out <dir>", "(required) output folder (created if needed)")
    .addOption(new Option("--format <format>", "how documents and sentences are found (see below)").choices(["prose", "lines"]).default(d.format))
    .option("--max-seq-length <n>", "tokens per row, [CLS] and [SEP]s included", integer(8), d.maxSeqLength)
    .option("--max-predictions <n>", "most masked positions per row", integer(1), d.maxPredictions)
    .option("--masked-lm-prob <p>", "share of a row's tokens to predict", probability(true), d.maskedLmProb)
    .option("--short-seq-prob <p>", "probability of a shorter target length for a document", probability(false), d.shortSeqProb)
    .option("--dupe-factor <n>", "passes over the corpus, each with its own pairs and masks", integer(1), d.dupeFactor)
    .option("--whole-word-mask", "mask all the word pieces of a word together")
    .option("--seed <n>", "random seed (same seed and inputs → identical shards)", integer(0, 2 ** 32 - 1), d.seed)
    .option("--block-tokens <n>", "word pieces held in memory at once (a block)", integer(8), d.blockTokens)
    .option("--rows-per-shard <n>", "rows per shard file", integer(1), d.rowsPerShard)
    .addHelpText("after", HELP)
    .action(async (o: PrepareFlags) => {
      const files = required(o.corpus, "--corpus <files...>");
      const vocabPath = required(o.vocab, "--vocab <path>");
      const outPath = required(o.out, "--out <dir>");
      if (o.blockTokens < o.maxSeqLength) throw new UsageError(`--block-tokens ${o.blockTokens} is smaller than --max-seq-length ${o.maxSeqLength}; raise it`);
      const { prepareOutputFolder } = await import("../../util/output-folder.js");
      const { prepareShards } = await import("../../data/pretraining/prepare.js");
      const { loadPretrainingTokenizer } = await import("../../data/pretraining/vocab-source.js");
      const out = prepareOutputFolder(outPath, "--out");
      const progress = await progressReporter();
      const started = performance.now();
      try {
        const tokenizer = await loadPretrainingTokenizer(vocabPath, { cased: o.cased });
        const manifest = await prepareShards({
          files,
          tokenizer,
          tokenizerSource: vocabPath,
          outDir: out.path,
          format: o.format,
          maxSeqLength: o.maxSeqLength,
          maxPredictions: o.maxPredictions,
          maskedLmProb: o.maskedLmProb,
          shortSeqProb: o.shortSeqProb,
          dupeFactor: o.dupeFactor,
          wholeWordMask: o.wholeWordMask === true,
          seed: o.seed,
          blockTokens: o.blockTokens,
          rowsPerShard: o.rowsPerShard,
          onProgress: progress.update,
          onWarning: (message) => process.stderr.write(`bertkit: warning: ${message}\n`),
        });
        progress.stop();
        const seconds = (performance.now() - started) / 1000;
        const { rows, shards, stats } = manifest;
        process.stderr.write(
          `${rows} rows in ${shards.length} shard${shards.length === 1 ? "" : "s"} from ${stats.documents} document${stats.documents === 1 ? "" : "s"} ` +
            `(${stats.tokens} word pieces, ${stats.predictions} predictions) in ${seconds.toFixed(1)} s → ${out.path}\n`,
        );
      } catch (error) {
        out.discard();
        throw error;
      } finally {
        progress.stop();
      }
    });
}
