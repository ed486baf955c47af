/**
 * The masked-language-model panels: the top predictions at the selected position with the full (bidirectional)
 * context and with left context only (causal), as bars; and layer by layer, what the MLM head reads from each
 * layer's hidden state at that position.
 */
import * as d3 from "d3";
import type { ExploreData, ExplorePrediction, LayerPredictions } from "../../src/explore/explore-data.js";
import { figure } from "./figure.js";

function at(list: LayerPredictions[], position: number): LayerPredictions | undefined {
  return list.find((p) => p.position === position);
}

function bars(parent: HTMLElement, name: string, title: string, top: ExplorePrediction[]): void {
  const width = 300;
  const row = 20;
  const svg = figure(parent, name, title, width, top.length * row + 10);
  const x = d3.scaleLinear().domain([0, 1]).range([0, 150]);
  const g = svg.selectAll("g").data(top).join("g").attr("class", "prediction").attr("transform", (_, i) => `translate(0,${5 + i * row})`);
  g.append("text").attr("x", 95).attr("y", row / 2).attr("dy", "0.35em").attr("text-anchor", "end").text((p) => p.token);
  g.append("rect").attr("x", 100).attr("y", 3).attr("height", row - 6).attr("width", (p) => Math.max(1, x(p.probability))).attr("fill", "#4e79a7");
  g.append("text").attr("x", (p) => 104 + x(p.probability)).attr("y", row / 2).attr("dy", "0.35em").text((p) => `${(100 * p.probability).toFixed(1)}%`);
}

export function drawPredictions(parent: HTMLElement, data: ExploreData, position: number): void {
  const root = d3.select(parent);
  if (data.model.noMlmReason !== null) {
    root.append("p").attr("class", "empty").text(data.model.noMlmReason);
    return;
  }
  const both = at(data.bidirectional.predictions, position);
  const left = at(data.causal.predictions, position);
  if (both === undefined || left === undefined) {
    root.append("p").attr("class", "empty").text(
      data.maskedPositions.length === 0
        ? "No predictions for this piece: put [MASK] in the text (or, in the live page, click a piece to mask it)."
        : "Select a masked piece (in the tokenization above) to see its predictions.",
    );
    return;
  }
  const token = data.tokens[position];
  root.append("p").text(`Position ${position}: ${token.piece}${token.piece !== token.original ? ` (was ${token.original})` : ""}`);
  const pair = root.append("div").attr("class", "side-by-side");
  const last = (p: LayerPredictions): ExplorePrediction[] => p.layers[p.layers.length - 1];
  const a = pair.append("div").node();
  const b = pair.append("div").node();
  if (a !== null) bars(a, "predictions-bidirectional", "With context on both sides (BERT)", last(both));
  if (b !== null) bars(b, "predictions-causal", "With left context only (causal mask)", last(left));
}

export function drawLayerPredictions(parent: HTMLElement, data: ExploreData, position: number): void {
  const both = at(data.bidirectional.predictions, position);
  const left = at(data.causal.predictions, position);
  if (data.model.noMlmReason !== null || both === undefined || left === undefined) return;
  const table = d3.select(parent).append("table").attr("class", "layers");
  const head = table.append("tr");
  for (const h of ["hidden state", "bidirectional: top tokens", "causal: top tokens"]) head.append("th").text(h);
  const cell = (ps: ExplorePrediction[]): string => ps.slice(0, 3).map((p) => `${p.token} ${(100 * p.probability).toFixed(0)}%`).join(" · ");
  both.layers.forEach((ps, l) => {
    const tr = table.append("tr");
    tr.append("td").text(l === 0 ? "embeddings" : `layer ${l}`);
    tr.append("td").text(cell(ps));
    tr.append("td").text(cell(left.layers[l]));
  });
}
