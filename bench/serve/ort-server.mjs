// The peer load.mjs compares against: what a Node developer would write without bertkit serve — a plain
// node:http server, one onnxruntime-node run per request (no batching across requests), on the ONNX export of
// the same weights (bench/peers/torch_bert.py export). Same tokenizer (bertkit's) and the same answer as
// POST /embed: mean-pooled last hidden state, L2-normalized. Arguments: MODEL_DIR MODEL.onnx PORT THREADS.
import { createServer } from "node:http";
import * as ort from "onnxruntime-node";
import { loadTokenizer } from "../../dist/src/tokenizer/model-folder.js";

const [dir, onnx, port, threads] = process.argv.slice(2);
const tokenizer = await loadTokenizer(dir);
const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: "all" });

async function embed(text) {
  const e = tokenizer.encode(text, null, { maxLength: 512, truncation: true });
  const t = e.length;
  const feeds = {
    input_ids: new ort.Tensor("int64", BigInt64Array.from(e.inputIds, BigInt), [1, t]),
    attention_mask: new ort.Tensor("int64", BigInt64Array.from(e.attentionMask, BigInt), [1, t]),
    token_type_ids: new ort.Tensor("int64", BigInt64Array.from(e.tokenTypeIds, BigInt), [1, t]),
  };
  const out = await session.run(feeds);
  const hidden = (out.last_hidden_state ?? Object.values(out)[0]).data; // (1, T, C)
  const c = hidden.length / t;
  const v = new Float64Array(c);
  for (let i = 0; i < t; i++) for (let j = 0; j < c; j++) v[j] += hidden[i * c + j] / t;
  const norm = Math.hypot(...v);
  return Array.from(v, (x) => x / norm);
}

createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", async () => {
    try {
      const { inputs } = JSON.parse(body);
      const texts = typeof inputs === "string" ? [inputs] : inputs;
      const vectors = [];
      for (const text of texts) vectors.push(await embed(text));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(vectors));
    } catch (error) {
      res.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error), error_type: "Validation" }));
    }
  });
}).listen(Number(port), "127.0.0.1", () => process.stderr.write(`LISTENING http://127.0.0.1:${port}\n`));
