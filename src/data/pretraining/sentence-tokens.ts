/**
 * Sentences → word-piece ids. A run of sentences is encoded at once (one `encode` per paragraph, not per sentence)
 * and its tokens are dealt to the sentences by their offsets: a token belongs to the sentence its first character
 * is in. The tokenizer's own defaults (tokenizer.json truncation or padding) are switched off. A special token
 * written literally in the text ("[CLS]", "[SEP]", "[PAD]", "[MASK]") is dropped, so that every row keeps the `[CLS] A [SEP] B
 * [SEP]` layout; sentences without tokens are left out.
 */
import type { BertTokenizer } from "../../tokenizer/index.js";
import type { SentenceRun } from "./documents.js";

export class SentenceTokenizer {
  private readonly dropped: Set<number>;

  constructor(private readonly tokenizer: BertTokenizer) {
    const names = ["cls", "sep", "pad", "mask"] as const;
    this.dropped = new Set(names.map((name) => tokenizer.specialTokenId(name)));
  }

  /** The ids of each non-empty sentence of the run, in order. */
  tokenize(run: SentenceRun): Int32Array[] {
    const encoding = this.tokenizer.encode(run.text, null, { addSpecialTokens: false, truncation: false, padding: false });
    const ids = encoding.inputIds;
    const offsets = encoding.offsetsFlat;
    const sentences: Int32Array[] = [];
    let token = 0;
    for (const end of run.ends) {
      const kept: number[] = [];
      while (token < ids.length && offsets[2 * token] < end) {
        if (!this.dropped.has(ids[token])) kept.push(ids[token]);
        token++;
      }
      if (kept.length > 0) sentences.push(Int32Array.from(kept));
    }
    return sentences;
  }
}
