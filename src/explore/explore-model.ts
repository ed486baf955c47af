/**
 * The model the explore page shows: any BERT folder bertkit loads, split into the parts the page draws from —
 * the encoder (BertModel), the MLM head and the NSP head when the checkpoint has them (else the reason why not,
 * shown in the empty panel), and the tokenizer. Loaded as the folder's own class, so no head is ever random.
 */
import { basename, resolve } from "node:path";
import type { AnyBertModel } from "../bert/architectures.js";
import type { BertConfig } from "../bert/config.js";
import { BertForMaskedLM, BertForNextSentencePrediction, BertForPreTraining } from "../bert/heads/pretraining.js";
import type { BertLMPredictionHead } from "../bert/heads/lm-heads.js";
import { BertModel } from "../bert/model.js";
import { loadPretrained, type ModelDType } from "../bert/pretrained.js";
import { InputError } from "../errors.js";
import type { Linear } from "../nn/linear.js";
import { loadTokenizer } from "../tokenizer/model-folder.js";
import type { BertTokenizer } from "../tokenizer/tokenizer.js";
import type { ExploreModelInfo } from "./explore-data.js";

export interface ExploreModel {
  bert: BertModel;
  /** (R, C) hidden rows → (R, V) vocabulary logits; null without an MLM head. */
  mlm: BertLMPredictionHead | null;
  /** (B, C) pooled [CLS] → (B, 2) "is next" / "is random" logits; null without an NSP head. */
  nsp: Linear | null;
  tokenizer: BertTokenizer;
  config: BertConfig;
  info: ExploreModelInfo;
}

function encoderOf(model: AnyBertModel): BertModel {
  return model instanceof BertModel ? model : model.bert;
}

function mlmOf(model: AnyBertModel): BertLMPredictionHead | null {
  return model instanceof BertForPreTraining || model instanceof BertForMaskedLM ? model.cls.predictions : null;
}

function nspOf(model: AnyBertModel): Linear | null {
  return model instanceof BertForPreTraining || model instanceof BertForNextSentencePrediction ? model.cls.seq_relationship : null;
}

/** Builds the explore view of an already loaded model (tests use random or golden models this way). */
export function exploreModelFrom(model: AnyBertModel, architecture: string, tokenizer: BertTokenizer, config: BertConfig, name: string): ExploreModel {
  if (config.vocab_size < tokenizer.vocab.size) {
    throw new InputError(`${name}: the tokenizer has ${tokenizer.vocab.size} tokens but the model only ${config.vocab_size}; use the tokenizer the model was trained with`);
  }
  model.eval();
  const mlm = mlmOf(model);
  const nsp = nspOf(model);
  const bert = encoderOf(model);
  return {
    bert,
    mlm,
    nsp,
    tokenizer,
    config,
    info: {
      name,
      architecture,
      layers: config.num_hidden_layers,
      heads: config.num_attention_heads,
      hidden: config.hidden_size,
      maxPositions: config.max_position_embeddings,
      vocabSize: config.vocab_size,
      noMlmReason: mlm === null ? `${architecture} has no masked-language-model head; explore a BertForPreTraining or BertForMaskedLM folder to see predictions` : null,
      noNspReason: nsp === null
        ? `${architecture} has no next-sentence head; explore a BertForPreTraining or BertForNextSentencePrediction folder to see NSP`
        : bert.pooler === null ? `${architecture} has no pooler, which NSP needs` : null,
    },
  };
}

/** Loads a Hugging Face model folder (config.json, model.safetensors, vocab.txt) for exploring. */
export async function loadExploreModel(dir: string, dtype?: ModelDType): Promise<ExploreModel> {
  const loaded = loadPretrained(dir, { dtype });
  const tokenizer = await loadTokenizer(dir);
  return exploreModelFrom(loaded.model, loaded.architecture, tokenizer, loaded.config, basename(resolve(dir)));
}
