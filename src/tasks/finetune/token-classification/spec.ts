/**
 * Token classification (NER) for `finetune()` and `evaluateFinetuned()`: CoNLL files in, a
 * BertForTokenClassification trained on the first piece of each word, scored with seqeval (entity
 * precision, recall, F1) and word accuracy. The labels are the training file's tags, sorted.
 */
import { BertForTokenClassification } from "../../../bert/heads/token-classification.js";
import type { BertConfig } from "../../../bert/config.js";
import { readConll, type ConllExamples, type TagScheme } from "../../../data/finetune/conll.js";
import { InputError } from "../../../errors.js";
import type { BertTokenizer } from "../../../tokenizer/tokenizer.js";
import type { FinetuneSpec } from "../spec.js";
import { evaluateTokenClassification } from "./evaluate.js";
import { checkMaxLength, labelledRow, TokenClassificationDataset, WordEncoder, type TokenClassificationBatch } from "./features.js";
import { checkKnownTags, labelFields, labelIds, tagIds } from "./labels.js";
import { tokenClassificationTask } from "./task.js";

export interface TokenClassificationSpecOptions {
  /** Longest row in tokens, [CLS] and [SEP] included; words past it are not trained on and are predicted "O". */
  maxLength: number;
  /** Tag scheme of the files (default "auto": IOB1 is recognised and converted to IOB2). */
  scheme?: TagScheme;
  /** 0-based column of the tag (default: the last column). */
  tagColumn?: number;
}

/** The rows of `examples`, labelled with the config's label ids. */
function trainData(examples: ConllExamples, tokenizer: BertTokenizer, config: BertConfig, maxLength: number): TokenClassificationDataset {
  checkMaxLength(maxLength, config);
  const ids = labelIds(config);
  const encoder = new WordEncoder(tokenizer, maxLength);
  const rows = examples.sentences.map((s) => labelledRow(encoder.encode(s.words), tagIds(s.tags, ids, `${examples.file}:${s.line}`)));
  return new TokenClassificationDataset(rows, tokenizer.specialTokenId("pad"));
}

export function tokenClassificationSpec(
  options: TokenClassificationSpecOptions,
): FinetuneSpec<BertForTokenClassification, TokenClassificationBatch, ConllExamples> {
  const { maxLength } = options;
  if (!Number.isInteger(maxLength) || maxLength < 3) throw new InputError(`maxLength must be an integer ≥ 3 ([CLS], a piece, [SEP]), got ${maxLength}`);
  const conll = { scheme: options.scheme, tagColumn: options.tagColumn };
  return {
    name: "token-classification",
    architecture: "BertForTokenClassification",
    build: (config) => new BertForTokenClassification(config),
    read(file, config) {
      const examples = readConll(file, conll);
      if (config !== undefined) checkKnownTags(examples, config);
      return examples;
    },
    count: (examples) => examples.sentences.length,
    configFor: (train) => labelFields(train.tags),
    trainData: (examples, tokenizer, config) => trainData(examples, tokenizer, config, maxLength),
    task: tokenClassificationTask(),
    evaluate: (model, tokenizer, config, examples, batchSize) => evaluateTokenClassification(model, tokenizer, config, examples, maxLength, batchSize),
    mainMetric: "f1",
    metricsNote: "precision, recall, f1 (entity level, seqeval) and accuracy (per word) in 0–100",
  };
}
