/**
 * `bertkit explore --export`: computes the page's data for one text (and pair) and writes the standalone HTML
 * file: bundle, styles and data inlined, so it opens from disk with no network.
 */
import { writeFileSync } from "node:fs";
import { computeExploreData } from "./compute.js";
import type { ExploreBoot, ExploreRequest, TrainingCurve } from "./explore-data.js";
import type { ModelDType } from "../bert/low-precision.js";
import { loadExploreModel } from "./explore-model.js";
import { renderExploreHtml } from "./html.js";

export interface ExportOptions extends ExploreRequest {
  modelDir: string;
  /** Precision of the Linear layers (docs/quantization.md); default: the folder's own. */
  dtype?: ModelDType;
  out: string;
  training?: TrainingCurve[];
}

export interface ExportResult {
  bytes: number;
  tokens: number;
  truncated: { from: number; to: number } | null;
}

export async function exportExplorePage(o: ExportOptions): Promise<ExportResult> {
  const model = await loadExploreModel(o.modelDir, o.dtype);
  const data = computeExploreData(model, { text: o.text, pair: o.pair, maskPositions: o.maskPositions, topK: o.topK });
  const boot: ExploreBoot = { live: false, data, training: o.training ?? [], exampleText: o.text, examplePair: o.pair ?? "" };
  const html = renderExploreHtml(boot);
  writeFileSync(o.out, html);
  return { bytes: Buffer.byteLength(html), tokens: data.tokens.length, truncated: data.truncated };
}
