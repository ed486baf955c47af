/**
 * Stage 5: Hugging Face's WordPiece decoder. Joins tokens with spaces, glues `##` pieces to the previous token, and
 * (with cleanup) removes the space before punctuation and common English contractions. The cleanup runs on each
 * token with its leading space, exactly as in `tokenizers`, so "can ' t" stays as is.
 */
export interface WordPieceDecoderOptions {
  prefix?: string;
  cleanup?: boolean;
}

const CLEANUPS: ReadonlyArray<readonly [string, string]> = [
  [" .", "."],
  [" ?", "?"],
  [" !", "!"],
  [" ,", ","],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" do not", " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

/** Hugging Face's `cleanup`: the replacements above, each applied to the whole string in turn. */
export function cleanupTokenization(text: string): string {
  let out = text;
  for (const [from, to] of CLEANUPS) if (out.includes(from)) out = out.split(from).join(to);
  return out;
}

export class WordPieceDecoder {
  readonly prefix: string;
  readonly cleanup: boolean;

  constructor(options: WordPieceDecoderOptions = {}) {
    this.prefix = options.prefix ?? "##";
    this.cleanup = options.cleanup ?? true;
  }

  decode(tokens: readonly string[]): string {
    let out = "";
    for (let i = 0; i < tokens.length; i++) {
      let token = tokens[i];
      if (i !== 0) {
        // Only the first occurrence of the prefix goes (`replacen(prefix, "", 1)`), and only when the token starts with it.
        token = token.startsWith(this.prefix) ? token.replace(this.prefix, "") : ` ${token}`;
      }
      out += this.cleanup ? cleanupTokenization(token) : token;
    }
    return out;
  }
}
