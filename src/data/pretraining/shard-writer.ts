/**
 * Writes rows into shards of at most `rowsPerShard` rows (./shard-format.ts), each file atomically, and the
 * manifest last: a folder with a manifest.json is complete, and a job stopped at any point (an error, Ctrl-C, kill)
 * leaves none. Memory: one shard's rows (rowsPerShard × T × 16 bytes, twice while the file is serialized).
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeSafetensors } from "../../io/safetensors.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { RowArrays, RowSink } from "./rows.js";
import { MANIFEST_FILE, manifestSchema, shardFileName, type ShardManifest } from "./shard-format.js";

const SHARD_FILE = /^shard-\d{5,}\.safetensors$/;

/**
 * Removes what an earlier run left in `dir`: manifest.json first (so the folder no longer claims to be complete),
 * then its shard files. Other files are left alone.
 */
export function removeEarlierShards(dir: string): void {
  rmSync(join(dir, MANIFEST_FILE), { force: true });
  for (const name of readdirSync(dir)) if (SHARD_FILE.test(name)) rmSync(join(dir, name), { force: true });
}

export class ShardWriter implements RowSink {
  private capacity = 0;
  private rows = 0;
  private inputIds: Int32Array = new Int32Array(0);
  private tokenTypeIds: Int32Array = new Int32Array(0);
  private attentionMask: Int32Array = new Int32Array(0);
  private labels: Int32Array = new Int32Array(0);
  private nextSentenceLabels: Int32Array = new Int32Array(0);
  readonly shards: { file: string; rows: number }[] = [];
  totalRows = 0;

  constructor(
    private readonly dir: string,
    private readonly T: number,
    private readonly rowsPerShard: number,
  ) {}

  /** The next row's arrays: views into the shard's buffers, filled in place. */
  beginRow(): RowArrays {
    if (this.rows === this.capacity) this.grow();
    const from = this.rows * this.T;
    const to = from + this.T;
    return {
      inputIds: this.inputIds.subarray(from, to),
      tokenTypeIds: this.tokenTypeIds.subarray(from, to),
      attentionMask: this.attentionMask.subarray(from, to),
      labels: this.labels.subarray(from, to),
    };
  }

  endRow(nextSentenceLabel: number): void {
    this.nextSentenceLabels[this.rows] = nextSentenceLabel;
    this.rows++;
    this.totalRows++;
    if (this.rows === this.rowsPerShard) this.flush();
  }

  /** Writes the last shard, then the manifest (validated against the schema); returns the manifest. */
  finish(manifest: Omit<ShardManifest, "rows" | "shards">): ShardManifest {
    this.flush();
    const complete = manifestSchema.parse({ ...manifest, rows: this.totalRows, shards: this.shards });
    writeFileAtomic(join(this.dir, MANIFEST_FILE), JSON.stringify(complete, null, 2) + "\n");
    return complete;
  }

  private flush(): void {
    if (this.rows === 0) return;
    const n = this.rows;
    const T = this.T;
    const file = shardFileName(this.shards.length);
    writeSafetensors(join(this.dir, file), {
      input_ids: { dtype: "int32", shape: [n, T], data: this.inputIds.subarray(0, n * T) },
      token_type_ids: { dtype: "int32", shape: [n, T], data: this.tokenTypeIds.subarray(0, n * T) },
      attention_mask: { dtype: "int32", shape: [n, T], data: this.attentionMask.subarray(0, n * T) },
      labels: { dtype: "int32", shape: [n, T], data: this.labels.subarray(0, n * T) },
      next_sentence_label: { dtype: "int32", shape: [n], data: this.nextSentenceLabels.subarray(0, n) },
    });
    this.shards.push({ file, rows: n });
    this.rows = 0;
  }

  /** Doubles the buffers (from 1,024 rows up to rowsPerShard), so a small job does not hold a full shard's memory. */
  private grow(): void {
    const capacity = Math.min(this.rowsPerShard, Math.max(1024, this.capacity * 2));
    const T = this.T;
    const grown = (old: Int32Array, width: number): Int32Array => {
      const data = new Int32Array(capacity * width);
      data.set(old);
      return data;
    };
    this.inputIds = grown(this.inputIds, T);
    this.tokenTypeIds = grown(this.tokenTypeIds, T);
    this.attentionMask = grown(this.attentionMask, T);
    this.labels = grown(this.labels, T);
    this.nextSentenceLabels = grown(this.nextSentenceLabels, 1);
    this.capacity = capacity;
  }
}
