/**
 * The embeddings panel: per token, the word, position and segment vectors BERT adds (rows = tokens, columns =
 * hidden dimensions, the first 128 shown) and their sum; and the cosine similarity of the learned position
 * embeddings, whose band along the diagonal shows that training made neighbouring positions alike.
 */
import * as d3 from "d3";
import type { ExploreData } from "../../src/explore/explore-data.js";
import { float32s } from "./decode.js";
import { figure } from "./figure.js";
import { drawHeatmap, heatmapSize } from "./heatmap.js";

const SHOWN_DIMENSIONS = 128;

/** Columns [0, cols) of a (rows, c) matrix. */
function firstColumns(values: Float32Array, rows: number, c: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(values.subarray(r * c, r * c + cols), r * cols);
  return out;
}

export function drawEmbeddings(parent: HTMLElement, data: ExploreData): void {
  const t = data.tokens.length;
  const c = data.model.hidden;
  const cols = Math.min(c, SHOWN_DIMENSIONS);
  const labels = data.tokens.map((tok) => tok.piece);
  const parts = [
    ["word", "Token (word piece) embedding"],
    ["position", "+ position embedding"],
    ["segment", "+ segment embedding"],
    ["sum", "= their sum (before LayerNorm)"],
  ] as const;
  const row = d3.select(parent).append("div").attr("class", "side-by-side");
  for (const [key, title] of parts) {
    const values = firstColumns(float32s(data.embeddings[key]), t, c, cols);
    const limit = d3.max(values, (v) => Math.abs(v)) ?? 1;
    const o = { rows: t, cols, values, rowLabels: labels, colLabels: [], domain: [-limit, limit] as [number, number], diverging: true, size: 260 };
    const size = heatmapSize(o);
    const cell = row.append("div").node();
    if (cell !== null) drawHeatmap(figure(cell, `embedding-${key}`, `${title}, first ${cols} of ${c} dimensions`, size.width, size.height), o);
  }
  const p = data.embeddings.positionCount;
  const sim = { rows: p, cols: p, values: float32s(data.embeddings.positionSimilarity), domain: [-1, 1] as [number, number], diverging: true, size: 320,
    describe: (a: number, b: number, v: number) => `positions ${a} and ${b}: cosine ${v.toFixed(3)}` };
  const size = heatmapSize(sim);
  drawHeatmap(figure(parent, "position-similarity", `Cosine similarity of the ${p} learned position embeddings`, size.width, size.height), sim);
}
