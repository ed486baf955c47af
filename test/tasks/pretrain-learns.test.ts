/**
 * A short real pre-training run learns: a tiny BERT on tinyshakespeare (the goldens' 2,000-piece vocabulary,
 * rows of 64 tokens) through `prepareShards` and `pretrain`, 600 steps in about 10 s on 2 cores. At the start the MLM
 * loss is about ln(2000) = 7.6 (a uniform guess over the vocabulary). A model that has learned only which pieces are
 * common scores the text's unigram entropy (6.09 here), which the test measures on the masked labels themselves. The
 * threshold asks for the last 10 steps' mean MLM loss to be 0.1 below that entropy: the model must use the context
 * around a mask, which only a correct forward, backward and optimizer achieve (measured: 5.83).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configure } from "../../src/backend/configure.js";
import { prepareShards } from "../../src/data/pretraining/prepare.js";
import { openShards } from "../../src/data/pretraining/shard-dataset.js";
import { IGNORE_INDEX } from "../../src/data/pretraining/shard-format.js";
import { pretrain } from "../../src/tasks/pretraining/pretrain.js";
import { loadVocabTokenizer } from "../../src/tokenizer/index.js";
import { silentProgress } from "../../src/train/progress.js";
import { SHARED } from "../helpers/golden.js";
import { tmp } from "../cli/run-bin.js";

describe("pre-training learns", () => {
  it("brings a tiny BERT's MLM loss from uniform to below the text's unigram entropy (it uses context)", async () => {
    configure();
    const dir = tmp("bertkit-learns-");
    const tokenizer = await loadVocabTokenizer(join(SHARED, "golden", "vocab-small.txt"));
    await prepareShards({
      files: [join(SHARED, "data", "pretrain", "tinyshakespeare.txt")], tokenizer, outDir: join(dir, "shards"),
      maxSeqLength: 64, maxPredictions: 10, dupeFactor: 1, seed: 3,
    });
    // The unigram entropy of what is predicted: the loss of a model that knows only how common each piece is.
    const data = openShards(join(dir, "shards"));
    const counts = new Map<number, number>();
    let total = 0;
    const labels = data.batch(Array.from({ length: data.size }, (_, i) => i)).labels.ints("labels");
    for (const id of labels) {
      if (id === IGNORE_INDEX) continue;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      total++;
    }
    let entropy = 0;
    for (const c of counts.values()) entropy -= (c / total) * Math.log(c / total);

    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({
      architectures: ["BertForPreTraining"], model_type: "bert", vocab_size: 2000, hidden_size: 64, num_hidden_layers: 2,
      num_attention_heads: 2, intermediate_size: 256, max_position_embeddings: 64, type_vocab_size: 2,
      hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1,
    }));
    const r = await pretrain({
      data: [join(dir, "shards")], out: join(dir, "run"), config, vocab: join(SHARED, "golden", "vocab-small.txt"),
      batchSize: 16, steps: 600, lr: 2e-3, warmup: 60, seed: 1, progress: silentProgress,
    });
    expect(r.interrupted).toBeNull();
    const log = readFileSync(r.log, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { mlm_loss: number });
    const first = log.slice(0, 5).reduce((s, l) => s + l.mlm_loss, 0) / 5;
    const last = log.slice(-10).reduce((s, l) => s + l.mlm_loss, 0) / 10;
    console.log(`MLM loss: first 5 steps ${first.toFixed(3)}, last 10 ${last.toFixed(3)}; uniform ${Math.log(2000).toFixed(3)}, unigram entropy ${entropy.toFixed(3)}`);
    expect(first).toBeGreaterThan(Math.log(2000) - 0.3);
    expect(last).toBeLessThan(entropy - 0.1);
  }, 180_000);
});
