/**
 * `bertkit prepare` as a library call: text files → masked NSP rows in shards (./shard-format.ts), the way
 * google-research/bert's create_pretraining_data.py does it, in bounded memory:
 *
 *   files ─(stream, 1 MiB chunks)→ documents and sentences (./documents.ts) ─(tokenizer)→ word-piece ids
 *         → blocks of ≤ blockTokens ids (./block.ts) → per block: dupeFactor passes of NSP pairs (./instances.ts),
 *           shuffle, lay out and mask each row (./block-rows.ts) → shards of ≤ rowsPerShard rows (./shard-writer.ts)
 *         → manifest.json, last.
 *
 * Memory is a block's ids (4 bytes each) and instances (20 bytes each) plus one shard's rows, whatever the corpus
 * size. Trade-off: pairs, random B segments and the shuffle stay within a block, so with a corpus larger than one
 * block the rows of block k all come before those of block k + 1 (shuffle again when reading, as the trainer does).
 * Everything random comes from one Rng seeded with `seed`: the same files, options and seed give the same bytes.
 */
import { mkdirSync } from "node:fs";
import { InputError } from "../../errors.js";
import { Rng } from "../../tensor/random.js";
import type { BertTokenizer } from "../../tokenizer/index.js";
import { BlockBuilder, documentCount, type Block } from "./block.js";
import { writeBlockRows } from "./block-rows.js";
import { checkCorpusFileStart, corpusFileSize } from "./corpus-reader.js";
import { CORPUS_FORMATS, type CorpusFormat } from "./documents.js";
import { maskingVocab } from "./masking.js";
import { END_OF_DOCUMENT, localTokenBatches } from "./token-batches.js";
import { prepareOptionsSchema, vocabHash, type PrepareOptions, type ShardManifest } from "./shard-format.js";
import { PREPARE_DEFAULTS } from "./prepare-defaults.js";
import { removeEarlierShards, ShardWriter } from "./shard-writer.js";

export interface PrepareProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
  /** Blocks written so far. */
  blocks: number;
}

export { PREPARE_DEFAULTS } from "./prepare-defaults.js";

export interface PrepareShardsOptions extends Partial<Omit<PrepareOptions, "lowercase">> {
  files: readonly string[];
  tokenizer: BertTokenizer;
  /** Where the tokenizer came from, for error messages. */
  tokenizerSource?: string;
  outDir: string;
  format?: CorpusFormat;
  /** Most word-piece ids held at once (a block); pairs and random B segments are drawn within a block. */
  blockTokens?: number;
  rowsPerShard?: number;
  onProgress?: (progress: PrepareProgress) => void;
  onWarning?: (message: string) => void;
}

type Settings = Omit<PrepareOptions, "lowercase"> & { format: CorpusFormat; blockTokens: number; rowsPerShard: number };

function settings(o: PrepareShardsOptions): Settings {
  const s: Settings = {
    maxSeqLength: o.maxSeqLength ?? PREPARE_DEFAULTS.maxSeqLength,
    maxPredictions: o.maxPredictions ?? PREPARE_DEFAULTS.maxPredictions,
    maskedLmProb: o.maskedLmProb ?? PREPARE_DEFAULTS.maskedLmProb,
    shortSeqProb: o.shortSeqProb ?? PREPARE_DEFAULTS.shortSeqProb,
    dupeFactor: o.dupeFactor ?? PREPARE_DEFAULTS.dupeFactor,
    wholeWordMask: o.wholeWordMask ?? PREPARE_DEFAULTS.wholeWordMask,
    seed: o.seed ?? PREPARE_DEFAULTS.seed,
    format: o.format ?? PREPARE_DEFAULTS.format,
    blockTokens: o.blockTokens ?? PREPARE_DEFAULTS.blockTokens,
    rowsPerShard: o.rowsPerShard ?? PREPARE_DEFAULTS.rowsPerShard,
  };
  const checked = prepareOptionsSchema.omit({ lowercase: true }).safeParse(s);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const name = String(issue.path[0]) as keyof Settings;
    throw new InputError(`prepare option ${name} = ${JSON.stringify(s[name])}: ${issue.message.replace(/^Too (small|big): /, "")}`);
  }
  if (!CORPUS_FORMATS.includes(s.format)) throw new InputError(`prepare option format = ${JSON.stringify(s.format)}: use "prose" or "lines"`);
  if (!Number.isInteger(s.blockTokens) || s.blockTokens < s.maxSeqLength) {
    throw new InputError(`prepare option blockTokens = ${s.blockTokens}: must be an integer ≥ maxSeqLength (${s.maxSeqLength})`);
  }
  if (!Number.isInteger(s.rowsPerShard) || s.rowsPerShard < 1) throw new InputError(`prepare option rowsPerShard = ${s.rowsPerShard}: must be an integer ≥ 1`);
  return s;
}

/** The masking vocabulary; a vocabulary without [CLS], [SEP], [PAD] or [MASK] is an InputError naming it. */
function pretrainingVocab(tokenizer: BertTokenizer, source: string): ReturnType<typeof maskingVocab> {
  const s = tokenizer.specialTokens;
  const missing = [s.cls, s.sep, s.pad, s.mask].filter((token) => tokenizer.tokenToId(token) === undefined);
  if (missing.length > 0) {
    throw new InputError(`${source} has no ${missing.join(", ")}: pre-training rows need [CLS], [SEP], [PAD] and [MASK]; use a BERT vocabulary (bertkit vocab train writes all of them)`);
  }
  return maskingVocab(tokenizer);
}

/**
 * Runs the whole job and returns the manifest written. Checks the options, the vocabulary and every corpus file
 * (exists, starts as text) before writing anything; removes an earlier run's manifest and shards from `outDir`.
 */
export async function prepareShards(options: PrepareShardsOptions): Promise<ShardManifest> {
  const s = settings(options);
  const { tokenizer, files } = options;
  const vocab = pretrainingVocab(tokenizer, options.tokenizerSource ?? "the vocabulary");
  if (files.length === 0) throw new InputError("no corpus files given; give one or more text files");
  const totalBytes = files.reduce((sum, file) => sum + corpusFileSize(file), 0);
  for (const file of files) checkCorpusFileStart(file);
  try {
    mkdirSync(options.outDir, { recursive: true });
    removeEarlierShards(options.outDir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot prepare the output folder ${options.outDir}: ${reason}; give a folder you can write to`);
  }

  const rng = new Rng(s.seed);
  const writer = new ShardWriter(options.outDir, s.maxSeqLength, s.rowsPerShard);
  const specials = { clsId: tokenizer.specialTokenId("cls"), sepId: tokenizer.specialTokenId("sep"), padId: vocab.padId };
  const context = { vocab, specials, rows: writer };
  const builder = new BlockBuilder(s.blockTokens);
  let bytesRead = 0;
  let tokens = 0;
  let predictions = 0;
  let blocks = 0;
  let warnedOneDocument = false;
  const report = (): void => options.onProgress?.({ bytesRead, totalBytes, rows: writer.totalRows, blocks });
  const writeBlock = (block: Block | null): void => {
    if (block === null) return;
    if (documentCount(block) === 1 && !warnedOneDocument) {
      warnedOneDocument = true;
      options.onWarning?.(
        `a block holds a single document, so its random B segments come from that same document; give more files, ` +
          `use the lines format if the corpus separates documents with blank lines, or raise the block size`,
      );
    }
    predictions += writeBlockRows(block, s, rng, context).predictions;
    blocks++;
  };

  for await (const batch of localTokenBatches(files, s.format, tokenizer)) {
    let at = 0;
    for (const length of batch.lengths) {
      if (length === END_OF_DOCUMENT) {
        builder.endDocument();
        continue;
      }
      if (builder.wouldOverflow(length)) writeBlock(builder.take());
      builder.add(batch.tokens.subarray(at, at + length));
      at += length;
      tokens += length;
    }
    bytesRead += batch.bytes;
    report();
  }
  writeBlock(builder.take());
  if (tokens === 0) {
    const named = files.length <= 3 ? files.join(", ") : `${files.slice(0, 3).join(", ")} and ${files.length - 3} more`;
    throw new InputError(`the corpus (${named}) has no sentences: the files are empty or only whitespace; give text files`);
  }
  const manifest = writer.finish({
    format: "bertkit-pretraining-shards",
    version: 1,
    maxSeqLength: s.maxSeqLength,
    vocab: { size: tokenizer.vocab.size, sha256: vocabHash(tokenizer.vocab.tokens) },
    options: {
      maxSeqLength: s.maxSeqLength,
      maxPredictions: s.maxPredictions,
      maskedLmProb: s.maskedLmProb,
      shortSeqProb: s.shortSeqProb,
      dupeFactor: s.dupeFactor,
      wholeWordMask: s.wholeWordMask,
      seed: s.seed,
      lowercase: tokenizer.normalizer.lowercase,
    },
    stats: { files: [...files], documents: builder.documents, tokens, predictions },
  });
  report();
  return manifest;
}
