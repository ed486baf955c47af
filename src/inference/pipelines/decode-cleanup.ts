/**
 * `transformers`' own clean-up of decoded text (`clean_up_tokenization`), applied to the whole string after the
 * tokenizer's decoder when tokenizer_config.json sets `clean_up_tokenization_spaces: true` (older BERT folders do;
 * `transformers` 5 defaults to false). It differs from the WordPiece decoder's clean-up, which runs token by token:
 * on the whole string "it ' s" becomes "it's", and there is no "do not" rule.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const REPLACEMENTS: ReadonlyArray<readonly [string, string]> = [
  [" .", "."],
  [" ?", "?"],
  [" !", "!"],
  [" ,", ","],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

/** Each replacement on the whole string in turn, every occurrence left to right (Python's str.replace). */
export function cleanUpTokenizationSpaces(text: string): string {
  let out = text;
  for (const [from, to] of REPLACEMENTS) out = out.split(from).join(to);
  return out;
}

/**
 * Whether the model folder's tokenizer_config.json asks for the clean-up. A missing or unreadable file means no
 * (the tokenizer loader has already reported a malformed one).
 */
export function readCleanUpFlag(dir: string): boolean {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, "tokenizer_config.json"), "utf8"));
  } catch {
    return false;
  }
  return typeof raw === "object" && raw !== null && "clean_up_tokenization_spaces" in raw && raw.clean_up_tokenization_spaces === true;
}
