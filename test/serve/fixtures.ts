/**
 * Model folders and a running server for the serve tests: seqcls-3 (a 3-label classifier), a one-label
 * re-ranker cut from it (its label-0 row), tokcls-5 (a token classifier) and pretraining-tiny (a masked LM),
 * each with vocab-small.txt.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.js";
import { buildServer, listen, loadServedModel, type LoadServedModelOptions, type Server, type ServeOptions } from "../../src/serve/index.js";
import { GOLDEN_MODELS, SHARED } from "../helpers/golden.js";

export const VOCAB = join(SHARED, "golden", "vocab-small.txt");

export function goldenFolder(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bertkit-serve-${name}-`));
  for (const f of ["config.json", "model.safetensors"]) copyFileSync(join(GOLDEN_MODELS, name, f), join(dir, f));
  copyFileSync(VOCAB, join(dir, "vocab.txt"));
  writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ do_lower_case: true }));
  return dir;
}

/** seqcls-3 reduced to its first label: logit 0 of seqcls-3 is this model's only logit. */
export function rerankerFolder(): string {
  const dir = goldenFolder("seqcls-3");
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, id2label: { 0: "LABEL_0" }, label2id: { LABEL_0: 0 } }));
  const { tensors } = readSafetensors(join(dir, "model.safetensors"));
  const weight = tensors.get("classifier.weight");
  const bias = tensors.get("classifier.bias");
  if (weight === undefined || bias === undefined) throw new Error("seqcls-3 has no classifier");
  const c = weight.shape[1];
  tensors.set("classifier.weight", { dtype: "float32", shape: [1, c], data: Float32Array.from(weight.data).subarray(0, c) });
  tensors.set("classifier.bias", { dtype: "float32", shape: [1], data: Float32Array.from(bias.data).subarray(0, 1) });
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

export interface Running {
  server: Server;
  url: string;
  post(path: string, body: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startServer(dir: string, options: ServeOptions = {}, load: LoadServedModelOptions = {}): Promise<Running> {
  const server = buildServer(await loadServedModel(dir, load), { log: false, ...options });
  const { url } = await listen(server, "127.0.0.1", 0);
  return {
    server,
    url,
    async post(path, body) {
      const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text === "" ? null : (JSON.parse(text) as unknown) };
    },
    close: () => server.app.close(),
  };
}
