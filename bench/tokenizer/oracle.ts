/**
 * The reference: Hugging Face's Rust `tokenizers` through its Node binding (devDependency `tokenizers`, the same
 * 0.23.2 that made ../shared/golden), set up as Python's BertWordPieceTokenizer sets it up.
 */
import {
  Tokenizer,
  WordPiece,
  bertNormalizer,
  bertPreTokenizer,
  bertProcessing,
  wordPieceDecoder,
  type Encoding as RustEncoding,
} from "tokenizers";

export type { RustEncoding };

export async function rustBertTokenizer(vocabPath: string, lowercase: boolean): Promise<Tokenizer> {
  const model = await WordPiece.fromFile(vocabPath, { unkToken: "[UNK]" });
  const tokenizer = new Tokenizer(model);
  tokenizer.addSpecialTokens(["[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]"].filter((t) => tokenizer.tokenToId(t) !== null));
  tokenizer.setNormalizer(bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: lowercase, lowercase }));
  tokenizer.setPreTokenizer(bertPreTokenizer());
  const id = (t: string): number => tokenizer.tokenToId(t) ?? -1;
  tokenizer.setPostProcessor(bertProcessing(["[SEP]", id("[SEP]")], ["[CLS]", id("[CLS]")]));
  tokenizer.setDecoder(wordPieceDecoder("##", true));
  return tokenizer;
}

/** Rust offsets count code points; converts them to UTF-16 units of `text`. */
export function toUtf16Offsets(text: string, offsets: number[][]): Array<[number, number]> {
  const unitsAt: number[] = [0];
  for (const ch of text) unitsAt.push(unitsAt[unitsAt.length - 1] + ch.length);
  return offsets.map(([s, e]) => [unitsAt[s] ?? -1, unitsAt[e] ?? -1]);
}
