/** The defaults of `bertkit prepare`, on their own so that its --help shows them without loading the data pipeline. */
import type { CorpusFormat } from "./documents.js";

/** google-research's flags, with dupe_factor 5 instead of 10. */
export const PREPARE_DEFAULTS = {
  maxSeqLength: 128,
  maxPredictions: 20,
  maskedLmProb: 0.15,
  shortSeqProb: 0.1,
  dupeFactor: 5,
  wholeWordMask: false,
  seed: 12345,
  format: "prose" as CorpusFormat,
  blockTokens: 1 << 24,
  rowsPerShard: 65_536,
};
