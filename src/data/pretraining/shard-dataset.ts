/**
 * The pre-training data as a `Dataset` for the trainer and for evaluation: a shard folder (manifest.json +
 * shard-NNNNN.safetensors, see shard-format.ts) or one safetensors file with the shard tensors.
 *
 * Memory: every shard is read and checked when the data set is opened (16 bytes per stored token position
 * plus 4 per row), so a bad file stops the run before its first step, not hours into it. Rows are collated
 * as stored: T is the shard's sequence length, never trimmed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { FormatError, InputError } from "../../errors.js";
import { Tensor } from "../../tensor/tensor.js";
import { readShard, type ShardRows } from "./shard-read.js";
import { MANIFEST_FILE, manifestSchema, type ShardManifest, vocabHash } from "./shard-format.js";

/** One batch, as `BertForPreTraining.forward` takes it: (B, T) int32 tensors and the (B) NSP labels. */
export interface PretrainingBatch {
  inputIds: Tensor;
  tokenTypeIds: Tensor;
  attentionMask: Tensor;
  /** (B, T): the id to predict, −100 where nothing is predicted. */
  labels: Tensor;
  /** (B): 0 = B follows A, 1 = B is random. */
  nextSentenceLabel: Tensor;
}

export interface OpenShardsOptions {
  /**
   * The model's vocabulary (tokens in id order) and where it came from (the model folder, named in errors).
   * A shard folder's manifest must have been made with the same one (sha256 of the tokens); ids are checked
   * against its size either way.
   */
  vocab?: { tokens: readonly string[]; source: string };
  /** The model's vocabulary size, when its tokens are not known: ids are checked against it. */
  vocabSize?: number;
}

/** A `Dataset<PretrainingBatch>` (src/train/task.ts) by shape: data/ does not import the trainer. */
export class ShardDataset {
  readonly size: number;
  /** T: tokens per row, as stored. */
  readonly seqLength: number;
  /** Index of each shard's first row (plus the total at the end). */
  private readonly starts: number[];

  constructor(
    /** The folder or file opened. */
    readonly path: string,
    /** The folder's manifest; null for a single file. */
    readonly manifest: ShardManifest | null,
    private readonly shards: readonly ShardRows[],
  ) {
    this.starts = [0];
    for (const s of shards) this.starts.push(this.starts[this.starts.length - 1] + s.rows);
    this.size = this.starts[this.starts.length - 1];
    const lengths = new Set(shards.filter((s) => s.rows > 0).map((s) => s.seqLength));
    if (lengths.size > 1) throw new FormatError(`${path}: shards have rows of different lengths (${[...lengths].join(", ")} tokens); prepare them again`);
    this.seqLength = lengths.size === 1 ? [...lengths][0] : (manifest?.maxSeqLength ?? 0);
  }

  /** The shard holding global row `row` and the row's index in it. */
  private locate(row: number): [ShardRows, number] {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return [this.shards[lo], row - this.starts[lo]];
  }

  /** Collates the rows at `rows` (global indices, any order, repeats allowed) into (B, T) tensors. */
  batch(rows: readonly number[]): PretrainingBatch {
    const t = this.seqLength;
    const b = rows.length;
    const inputIds = new Int32Array(b * t);
    const tokenTypeIds = new Int32Array(b * t);
    const attentionMask = new Int32Array(b * t);
    const labels = new Int32Array(b * t);
    const nextSentenceLabel = new Int32Array(b);
    rows.forEach((row, i) => {
      if (!Number.isInteger(row) || row < 0 || row >= this.size) {
        throw new InputError(`row ${row} is outside the data set ${this.path} (rows 0 to ${this.size - 1})`);
      }
      const [shard, r] = this.locate(row);
      const from = r * t;
      inputIds.set(shard.inputIds.subarray(from, from + t), i * t);
      tokenTypeIds.set(shard.tokenTypeIds.subarray(from, from + t), i * t);
      attentionMask.set(shard.attentionMask.subarray(from, from + t), i * t);
      labels.set(shard.labels.subarray(from, from + t), i * t);
      nextSentenceLabel[i] = shard.nextSentenceLabel[r];
    });
    return {
      inputIds: new Tensor(inputIds, [b, t]),
      tokenTypeIds: new Tensor(tokenTypeIds, [b, t]),
      attentionMask: new Tensor(attentionMask, [b, t]),
      labels: new Tensor(labels, [b, t]),
      nextSentenceLabel: new Tensor(nextSentenceLabel, [b]),
    };
  }
}

/** Reads and validates DIR/manifest.json. */
export function readManifest(dir: string): ShardManifest {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) {
    throw new InputError(
      `${dir} has no ${MANIFEST_FILE}: it is not a complete shard folder (bertkit prepare writes it last; run it again), ` +
        "or pass one .safetensors file of shard tensors",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new FormatError(`${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}); prepare the shards again`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    throw new FormatError(`${path}: ${where}: ${issue.message}; prepare the shards again`);
  }
  const manifest = parsed.data;
  const total = manifest.shards.reduce((n, s) => n + s.rows, 0);
  if (total !== manifest.rows) throw new FormatError(`${path}: "rows" is ${manifest.rows} but its shards hold ${total}; prepare the shards again`);
  for (const { file } of manifest.shards) {
    if (file !== basename(file) || file === "." || file === "..") {
      throw new FormatError(`${path}: shard "${file}" must be a file name inside ${dir}`);
    }
  }
  return manifest;
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

/** The manifest's vocabulary against the model's: same tokens in the same order, else shards are meaningless to it. */
function checkVocabulary(dir: string, manifest: ShardManifest, options: OpenShardsOptions): void {
  if (options.vocab !== undefined) {
    const ours = vocabHash(options.vocab.tokens);
    if (ours !== manifest.vocab.sha256) {
      throw new InputError(
        `shards in ${dir} were made with another vocabulary (sha256 ${short(manifest.vocab.sha256)}, ${manifest.vocab.size} tokens; ` +
          `this model's is ${short(ours)}, ${options.vocab.tokens.length} tokens); prepare them again with --vocab ${options.vocab.source}`,
      );
    }
  } else if (options.vocabSize !== undefined && options.vocabSize !== manifest.vocab.size) {
    throw new InputError(
      `shards in ${dir} were made with a vocabulary of ${manifest.vocab.size} tokens but the model has ${options.vocabSize}; ` +
        "prepare them again with the model's vocabulary",
    );
  }
}

/**
 * Opens pre-training data: a shard folder (manifest.json validated, the vocabulary checked, every shard read
 * and checked) or a single safetensors file of shard tensors (no manifest: ids are checked against the
 * vocabulary's size when one is given).
 */
export function openShards(path: string, options: OpenShardsOptions = {}): ShardDataset {
  if (!existsSync(path)) throw new InputError(`pre-training data ${path} does not exist; pass a shard folder (bertkit prepare) or a .safetensors file`);
  const vocabSize = options.vocab?.tokens.length ?? options.vocabSize ?? null;
  if (!statSync(path).isDirectory()) return new ShardDataset(path, null, [readShard(path, vocabSize)]);
  const manifest = readManifest(path);
  checkVocabulary(path, manifest, options);
  const shards = manifest.shards.map(({ file, rows }) => {
    const shardPath = join(path, file);
    if (!existsSync(shardPath)) throw new InputError(`${shardPath} is listed in ${MANIFEST_FILE} but does not exist; prepare the shards again`);
    return readShard(shardPath, vocabSize ?? manifest.vocab.size, { rows, seqLength: manifest.maxSeqLength });
  });
  return new ShardDataset(path, manifest, shards);
}
