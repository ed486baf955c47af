/**
 * `resolveModel(idOrDir)`: what every `--model` accepts. An existing folder is used as it is; otherwise a
 * hub id ("org/name", optionally "org/name@revision") is fetched into the shared cache (or found there
 * offline) and its snapshot folder is used. Only the files a BERT model folder needs are fetched.
 */
import { existsSync, statSync } from "node:fs";
import { InputError } from "../errors.js";
import { checkRepoId } from "./cache.js";
import { snapshotDownload, type DownloadOptions } from "./download.js";

/** The files bertkit reads from a model repository: configs, vocabularies, safetensors weights, pooling. */
export const MODEL_FILES: readonly string[] = ["config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "1_Pooling/config.json", "modules.json", "sentence_bert_config.json"];

export interface ResolvedModel {
  dir: string;
  /** The hub id, or the folder as given. */
  modelId: string;
  /** The hub commit; null for a local folder. */
  commit: string | null;
}

export async function resolveModel(idOrDir: string, options: DownloadOptions = {}): Promise<ResolvedModel> {
  if (existsSync(idOrDir)) {
    if (!statSync(idOrDir).isDirectory()) throw new InputError(`--model ${idOrDir} is a file; give a model folder or a hub id like org/name`);
    return { dir: idOrDir, modelId: idOrDir, commit: null };
  }
  const [repoId, revision] = idOrDir.split("@", 2);
  try {
    checkRepoId(repoId);
  } catch {
    throw new InputError(`--model ${idOrDir}: no such folder, and not a hub id like org/name; check the path`);
  }
  const snapshot = await snapshotDownload(repoId, { include: MODEL_FILES, ...options, revision: revision ?? options.revision });
  return { dir: snapshot.dir, modelId: repoId, commit: snapshot.commit };
}
