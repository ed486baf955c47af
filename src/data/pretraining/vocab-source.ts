/**
 * The tokenizer `bertkit prepare --vocab PATH` means: a model or tokenizer folder (tokenizer.json and/or vocab.txt,
 * with tokenizer_config.json saying its casing) or a tokenizer.json loads as the folder says; a bare vocab.txt is
 * lower-cased unless `cased`, as `bertkit tokenize --vocab` does.
 */
import { stat } from "node:fs/promises";
import { InputError } from "../../errors.js";
import { loadTokenizer, loadVocabTokenizer, type BertTokenizer } from "../../tokenizer/index.js";

export async function loadPretrainingTokenizer(path: string, options: { cased?: boolean } = {}): Promise<BertTokenizer> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch {
    throw new InputError(`vocabulary ${path} does not exist (expected a model folder, a tokenizer.json or a vocab.txt)`);
  }
  const isBareVocab = !isFolder && !path.endsWith(".json");
  if (!isBareVocab) {
    if (options.cased === true) {
      throw new InputError(`${path} is a ${isFolder ? "folder" : "tokenizer.json"}, which says its own casing; --cased (the cased option) applies only to a bare vocab.txt`);
    }
    return loadTokenizer(path);
  }
  return loadVocabTokenizer(path, { lowercase: options.cased !== true });
}
