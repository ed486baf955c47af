/**
 * Demo runs small enough for tests: a one-layer model of width 16 trained for a few steps, on the shipped novels
 * cut to their first ~25 KB each (whole paragraphs), so that a whole run takes a second or two.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEMO_BOOKS, demoDataDir } from "../../src/demo/corpus.js";
import { runDemo } from "../../src/demo/run-demo.js";
import type { DemoSettings } from "../../src/demo/settings.js";
import type { DemoSummary } from "../../src/demo/summary.js";
import { tmp } from "../cli/run-bin.js";

export const TINY: DemoSettings = {
  pretrain: {
    vocabSize: 300, seqLength: 24, maskedLmProb: 0.15, dupeFactor: 1,
    layers: 1, hidden: 16, heads: 2, batchSize: 4, steps: 3, lr: 1e-3, warmup: 1, dropout: 0,
  },
  classifier: { trainExamples: 3, evalExamples: 2, epochs: 1, batchSize: 4, lr: 1e-3, maxLength: 24 },
  qa: { trainExamples: 4, evalExamples: 2, epochs: 1, batchSize: 4, lr: 1e-3, maxLength: 64, docStride: 16, maxQueryLength: 24 },
  seed: 5,
};

/** TINY with other pre-training numbers. */
export function tinyWith(pretrain: Partial<DemoSettings["pretrain"]>): DemoSettings {
  return { ...TINY, pretrain: { ...TINY.pretrain, ...pretrain } };
}

const SHORT_BYTES = 25_000;
let shortCorpus: string | null = null;

/** A folder with the novels' first SHORT_BYTES (to a paragraph end), under the shipped names; made once. */
export function shortCorpusDir(): string {
  if (shortCorpus !== null) return shortCorpus;
  const dir = join(tmp("bertkit-demo-corpus-"), "demo");
  mkdirSync(dir);
  for (const book of DEMO_BOOKS) {
    const text = readFileSync(join(demoDataDir(), book.file), "utf8");
    const cut = text.indexOf("\n\n", SHORT_BYTES);
    writeFileSync(join(dir, book.file), text.slice(0, cut < 0 ? text.length : cut + 1));
  }
  shortCorpus = dir;
  return dir;
}

/** A run on the short corpus; the printed lines come back split at newlines. */
export async function tinyRun(out: string, settings: DemoSettings = TINY): Promise<{ summary: DemoSummary; lines: string[] }> {
  const lines: string[] = [];
  const summary = await runDemo({ out, settings, corpusDir: shortCorpusDir(), print: (l) => lines.push(...l.split("\n")), progress: null });
  return { summary, lines };
}
