/**
 * The attention panel: for the chosen layer and head (or the mean of the heads), the bidirectional and the
 * causal attention side by side, as heat-maps (query rows, key columns, masked cells grey) or as
 * token-to-token lines (bertviz style); plus an overview of every layer × head of the bidirectional model.
 */
import * as d3 from "d3";
import type { ExploreData } from "../../src/explore/explore-data.js";
import { Attentions } from "./decode.js";
import { figure } from "./figure.js";
import { drawHeatmap, heatmapSize } from "./heatmap.js";

export interface AttentionChoice {
  layer: number;
  /** -1 for the mean over heads. */
  head: number;
  style: "heatmap" | "lines";
}

function drawLines(parent: HTMLElement, name: string, title: string, labels: string[], m: Float32Array, selected: number): void {
  const t = labels.length;
  const row = Math.max(4, Math.min(18, 700 / t));
  const height = t * row + 20;
  const svg = figure(parent, name, title, 330, height);
  const y = (i: number): number => 10 + (i + 0.5) * row;
  const g = svg.append("g");
  for (let q = 0; q < t; q++) {
    for (let k = 0; k < t; k++) {
      const w = m[q * t + k];
      if (w < 0.02) continue;
      g.append("line").attr("x1", 110).attr("y1", y(q)).attr("x2", 220).attr("y2", y(k))
        .attr("stroke", q === selected ? "#d62728" : "#1f77b4").attr("stroke-opacity", q === selected || selected < 0 ? w : w * 0.25).attr("stroke-width", 1.5);
    }
  }
  if (row >= 8) {
    g.selectAll("text.q").data(labels).join("text").attr("class", "q").attr("x", 105).attr("y", (_, i) => y(i)).attr("dy", "0.35em").attr("text-anchor", "end").text((d) => d);
    g.selectAll("text.k").data(labels).join("text").attr("class", "k").attr("x", 225).attr("y", (_, i) => y(i)).attr("dy", "0.35em").text((d) => d);
  }
}

export function drawAttention(parent: HTMLElement, data: ExploreData, choice: AttentionChoice, selected: number): void {
  const labels = data.tokens.map((t) => t.piece);
  const t = labels.length;
  const { heads } = data.model;
  const headName = choice.head < 0 ? "mean of heads" : `head ${choice.head + 1}`;
  const pair = d3.select(parent).append("div").attr("class", "side-by-side");
  for (const view of [data.bidirectional, data.causal]) {
    const att = new Attentions(view, heads, t);
    const m = att.matrix(choice.layer, choice.head);
    const kind = view.causal ? "causal" : "bidirectional";
    const title = `${view.causal ? "Causal (GPT-style)" : "Bidirectional (BERT)"}: layer ${choice.layer + 1}, ${headName}`;
    const cell = pair.append("div").node();
    if (cell === null) continue;
    if (choice.style === "lines") {
      drawLines(cell, `attention-lines-${kind}`, title, labels, m, selected);
      continue;
    }
    const o = {
      rows: t, cols: t, values: m, rowLabels: labels,
      masked: view.causal ? (q: number, k: number) => k > q : undefined,
      describe: (q: number, k: number, v: number) => `${labels[q]} → ${labels[k]}: ${(100 * v).toFixed(1)}%`,
    };
    const size = heatmapSize(o);
    drawHeatmap(figure(cell, `attention-${kind}`, title, size.width, size.height), o);
  }
}

/** Thumbnails of every layer × head (bidirectional), so patterns ([SEP]-attending, previous-token, …) stand out. */
export function drawAttentionOverview(parent: HTMLElement, data: ExploreData, onPick: (layer: number, head: number) => void): void {
  const { layers, heads } = data.model;
  const t = data.tokens.length;
  const att = new Attentions(data.bidirectional, heads, t);
  const thumb = 72;
  const svg = figure(parent, "attention-overview", "Every layer (rows) and head (columns), bidirectional; click one to show it", heads * (thumb + 8) + 60, layers * (thumb + 8) + 10);
  for (let l = 0; l < layers; l++) {
    svg.append("text").attr("x", 0).attr("y", l * (thumb + 8) + thumb / 2).text(`layer ${l + 1}`);
    for (let h = 0; h < heads; h++) {
      const g = svg.append("g").attr("transform", `translate(${52 + h * (thumb + 8)},${l * (thumb + 8)})`);
      drawHeatmap(g, { rows: t, cols: t, values: att.matrix(l, h), size: thumb, bare: true });
      g.style("cursor", "pointer").on("click", () => onPick(l, h));
    }
  }
}
