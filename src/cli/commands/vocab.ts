/** `bertkit vocab train`: learn a WordPiece vocabulary from text files; writes vocab.txt and tokenizer.json. */
import type { Command } from "commander";
import type { TrainProgress } from "../../tokenizer/index.js";
import { integer } from "../parse.js";
import { required } from "../usage.js";

interface VocabTrainFlags {
  corpus?: string[];
  vocabSize?: number;
  cased?: boolean;
  minFrequency: number;
  out?: string;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and tests stay clean). */
async function progressReporter(): Promise<{ update: (event: TrainProgress) => void; stop: () => void }> {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const { SingleBar } = await import("cli-progress");
  const bar = new SingleBar({ stream: process.stderr, format: "{phase} [{bar}] {percentage}% | {value}/{total}", hideCursor: true });
  let phase: TrainProgress["phase"] | null = null;
  return {
    update(event) {
      const [value, total] = event.phase === "count" ? [event.bytesRead, event.totalBytes] : [event.vocabularySize, event.targetSize];
      if (phase !== event.phase) {
        if (phase !== null) bar.stop();
        phase = event.phase;
        bar.start(total, value, { phase: event.phase === "count" ? "counting words" : "merging      " });
      } else {
        bar.update(value);
      }
    },
    stop() {
      if (phase !== null) bar.stop();
      phase = null;
    },
  };
}

/** Why fewer pieces than asked for were learned, and what to change. */
export function shortfallLine(learned: number, asked: number, minFrequency: number): string {
  const fix = minFrequency > 1 ? "lower --min-frequency or give more text" : "give more text";
  return `bertkit: learned ${learned} of the ${asked} pieces asked for: the corpus has no more pairs to merge at --min-frequency ${minFrequency} (${fix})`;
}

export function registerVocab(program: Command): void {
  const vocab = program.command("vocab").description("WordPiece vocabularies (vocab train: learn one from text files)");
  vocab
    .command("train")
    .description("learn a WordPiece vocabulary (Hugging Face's trainer) from text files; write vocab.txt, tokenizer.json, tokenizer_config.json")
    .option("--corpus <files...>", "(required) UTF-8 text files")
    .option("--vocab-size <n>", "(required) vocabulary size, the 5 special tokens included", integer(5))
    .option("--cased", "keep case and accents (default: lower-case and strip accents)")
    .option("--min-frequency <n>", "least count of a pair to merge", integer(0), 2)
    .option("--out <dir>", "(required) output folder (created if needed)")
    .action(async (o: VocabTrainFlags) => {
      const files = required(o.corpus, "--corpus <files...>");
      const vocabSize = required(o.vocabSize, "--vocab-size <n>");
      const outPath = required(o.out, "--out <dir>");
      const { prepareOutputFolder } = await import("../../util/output-folder.js");
      const { saveTokenizer, trainWordPieceVocab } = await import("../../tokenizer/index.js");
      const out = prepareOutputFolder(outPath, "--out");
      const progress = await progressReporter();
      const started = performance.now();
      try {
        const { tokenizer, distinctWords, exhausted } = await trainWordPieceVocab({
          files,
          vocabSize,
          minFrequency: o.minFrequency,
          cased: o.cased === true,
          onProgress: progress.update,
        });
        progress.stop();
        await saveTokenizer(tokenizer, out.path);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        if (exhausted) process.stderr.write(shortfallLine(tokenizer.vocab.size, vocabSize, o.minFrequency) + "\n");
        process.stderr.write(`${tokenizer.vocab.size} tokens from ${distinctWords} distinct words in ${seconds} s → ${out.path}\n`);
      } catch (error) {
        out.discard();
        throw error;
      } finally {
        progress.stop();
      }
    });
}
