/** `bertkit vocab train`: learn a WordPiece vocabulary from text files; writes vocab.txt and tokenizer.json. */
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { saveTokenizer, trainWordPieceVocab, type TrainProgress } from "../../tokenizer/index.js";

export interface VocabTrainCommandOptions {
  corpus: string[];
  vocabSize: string;
  cased?: boolean;
  minFrequency: string;
  out: string;
}

function integer(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InputError(`${flag} must be an integer ≥ ${min}, got ${value}`);
  return n;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise (logs and tests stay clean). */
function progressReporter(): { update: (event: TrainProgress) => void; stop: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
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

export function registerVocab(program: Command): void {
  const vocab = program.command("vocab").description("WordPiece vocabularies");
  vocab
    .command("train")
    .description("learn a WordPiece vocabulary (Hugging Face's trainer) from text files; write vocab.txt, tokenizer.json, tokenizer_config.json")
    .requiredOption("--corpus <files...>", "UTF-8 text files")
    .requiredOption("--vocab-size <n>", "vocabulary size, the 5 special tokens included")
    .option("--cased", "keep case and accents (default: lower-case and strip accents)")
    .option("--min-frequency <n>", "least count of a pair to merge", "2")
    .requiredOption("--out <dir>", "output folder (created if needed)")
    .action(async (o: VocabTrainCommandOptions) => {
      const progress = progressReporter();
      const started = performance.now();
      try {
        const { tokenizer, distinctWords } = await trainWordPieceVocab({
          files: o.corpus,
          vocabSize: integer("--vocab-size", o.vocabSize, 5),
          minFrequency: integer("--min-frequency", o.minFrequency, 0),
          cased: o.cased === true,
          onProgress: progress.update,
        });
        progress.stop();
        await saveTokenizer(tokenizer, o.out);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        process.stderr.write(`${tokenizer.vocab.size} tokens from ${distinctWords} distinct words in ${seconds} s → ${o.out}\n`);
      } finally {
        progress.stop();
      }
    });
}
