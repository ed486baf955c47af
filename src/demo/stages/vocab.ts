/**
 * Demo stage: learn a WordPiece vocabulary from the novels (`trainWordPieceVocab`, the trainer behind
 * `bertkit vocab train`), save it, and show how a sentence is cut into word pieces.
 */
import { saveTokenizer, trainWordPieceVocab } from "../../tokenizer/index.js";
import type { BertTokenizer } from "../../tokenizer/tokenizer.js";
import type { DemoContext } from "../context.js";
import type { DemoCorpus } from "../corpus.js";

/** Shown cut into pieces: common words stay whole, rarer ones split. */
export const VOCAB_EXAMPLE = "The Time Traveller was expounding a recondite matter to us.";

export interface VocabStageResult {
  tokenizer: BertTokenizer;
  dir: string;
  distinctWords: number;
}

export async function vocabStage(ctx: DemoContext, corpus: DemoCorpus, dir: string): Promise<VocabStageResult> {
  const { tokenizer, distinctWords } = await trainWordPieceVocab({ files: corpus.files, vocabSize: ctx.settings.pretrain.vocabSize });
  await saveTokenizer(tokenizer, dir);
  ctx.print(`    ${corpus.books.map((b) => `${b.title} (${b.author}, ${b.year})`).join("; ")}`);
  ctx.print(`    ${tokenizer.vocab.size.toLocaleString("en-US")} word pieces learned from ${distinctWords.toLocaleString("en-US")} distinct words → ${dir}`);
  const tokens = tokenizer.encode(VOCAB_EXAMPLE).tokens;
  ctx.print(`    "${VOCAB_EXAMPLE}"`);
  ctx.print(`      → ${tokens.join(" ")}`);
  ctx.print("    Frequent words are one piece; rarer ones are cut into pieces (## marks a piece that continues a word).");
  return { tokenizer, dir, distinctWords };
}
