/**
 * The label set of token classification: the training file's distinct tags, sorted (as Hugging Face's
 * run_ner sorts them), become the config's id2label/label2id; a fine-tuned model's config fixes them for
 * evaluation, where a tag it does not know is an error naming the file and line.
 */
import { type BertConfig, labelNames } from "../../../bert/config.js";
import type { ConllExamples } from "../../../data/finetune/conll.js";
import { InputError } from "../../../errors.js";

/** Config fields for the sorted tags `tags`. */
export function labelFields(tags: readonly string[]): Pick<BertConfig, "id2label" | "label2id" | "num_labels"> {
  const sorted = [...tags].sort();
  return {
    id2label: Object.fromEntries(sorted.map((t, i) => [String(i), t])),
    label2id: Object.fromEntries(sorted.map((t, i) => [t, i])),
    num_labels: sorted.length,
  };
}

/** Tag → id of the config's labels. */
export function labelIds(config: BertConfig): Map<string, number> {
  return new Map(labelNames(config).map((name, id) => [name, id]));
}

/** Throws on the first tag of `examples` that `config` has no label for. */
export function checkKnownTags(examples: ConllExamples, config: BertConfig): void {
  const known = labelIds(config);
  for (const s of examples.sentences) {
    const i = s.tags.findIndex((t) => !known.has(t));
    if (i < 0) continue;
    const names = [...known.keys()];
    const shown = names.length > 12 ? `${names.slice(0, 12).join(", ")}, …` : names.join(", ");
    throw new InputError(
      `${examples.file}:${s.line + i}: tag ${s.tags[i]} is not one of the model's labels (${shown}); evaluate with a model fine-tuned on these tags`,
    );
  }
}

/** Ids of one sentence's tags (all known: see `checkKnownTags`). */
export function tagIds(tags: readonly string[], ids: ReadonlyMap<string, number>, where: string): Int32Array {
  return Int32Array.from(tags, (t) => {
    const id = ids.get(t);
    if (id === undefined) throw new InputError(`${where}: tag ${t} is not one of the model's labels; evaluate with a model fine-tuned on these tags`);
    return id;
  });
}
