/**
 * onnxruntime-node peer: times the exported BertModel forward pass and prints one JSON line
 * {seq_per_s, tokens_per_s, peak_rss_mib}. Run as its own process so its peak RSS is its own.
 * Usage: node ort-forward.js MODEL.onnx BATCH SEQ THREADS SECONDS [VOCAB]
 */
import * as ort from "onnxruntime-node";
import { peakRssMiB } from "../../src/perf/peak-rss.js";

async function main(): Promise<void> {
  const [file, batchS, seqS, threadsS, secondsS, vocabS] = process.argv.slice(2);
  const [batch, seq, threads, seconds, vocab] = [batchS, seqS, threadsS, secondsS, vocabS ?? "30522"].map(Number);
  const session = await ort.InferenceSession.create(file, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: "all", executionMode: "sequential",
  });
  const n = batch * seq;
  const ids = BigInt64Array.from({ length: n }, (_, i) => BigInt(5 + ((i * 7919) % (vocab - 5))));
  const mask = new BigInt64Array(n).fill(1n);
  const types = BigInt64Array.from({ length: n }, (_, i) => (i % seq >= seq / 2 ? 1n : 0n));
  const feeds = {
    input_ids: new ort.Tensor("int64", ids, [batch, seq]),
    attention_mask: new ort.Tensor("int64", mask, [batch, seq]),
    token_type_ids: new ort.Tensor("int64", types, [batch, seq]),
  };
  await session.run(feeds); // warm-up
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (iterations < 2 || elapsed < seconds) {
    await session.run(feeds);
    iterations++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const seqPerS = (iterations * batch) / elapsed;
  process.stdout.write(JSON.stringify({ seq_per_s: seqPerS, tokens_per_s: seqPerS * seq, peak_rss_mib: peakRssMiB(), ort: ort.env.versions.common }) + "\n");
}

await main();
