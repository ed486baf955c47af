/**
 * Sentence-level panels: next-sentence prediction for the pair, and the [CLS] map — a PCA of the [CLS] (or
 * mean) vectors of the sentences explored so far, with their cosine similarities.
 */
import * as d3 from "d3";
import type { ExploreData } from "../../src/explore/explore-data.js";
import { figure } from "./figure.js";
import { cosine, pca2 } from "./pca.js";

export interface SentenceVector {
  label: string;
  cls: number[];
  mean: number[];
}

export function drawNsp(parent: HTMLElement, data: ExploreData): void {
  const root = d3.select(parent);
  if (data.model.noNspReason !== null) {
    root.append("p").attr("class", "empty").text(data.model.noNspReason);
    return;
  }
  if (data.pair === null) {
    root.append("p").attr("class", "empty").text("Give a second segment (the pair) to see whether the model thinks it follows the first.");
    return;
  }
  for (const view of [data.bidirectional, data.causal]) {
    const p = view.isNextProbability ?? 0;
    root.append("p").attr("class", "nsp").attr("data-causal", String(view.causal))
      .text(`${view.causal ? "Causal mask" : "Bidirectional"}: P(B follows A) = ${(100 * p).toFixed(1)}% → ${p >= 0.5 ? "IsNext" : "NotNext"}`);
  }
  root.append("p").attr("class", "note").text("Under the causal mask [CLS], at position 0, sees only itself, so the pooled vector NSP reads cannot depend on the text.");
}

export function drawSentenceMap(parent: HTMLElement, sentences: SentenceVector[], which: "cls" | "mean"): void {
  const root = d3.select(parent);
  if (sentences.length < 2) {
    root.append("p").attr("class", "empty").text("Explore two or more sentences to place them on the map (each one you explore is added).");
    return;
  }
  const vectors = sentences.map((s) => s[which]);
  const xy = pca2(vectors);
  const size = 320;
  const svg = figure(parent, `sentence-map-${which}`, `${which === "cls" ? "[CLS]" : "Mean"} vectors, first two principal components`, size + 160, size);
  const [x0 = -1, x1 = 1] = d3.extent(xy, (p) => p[0]);
  const [y0 = -1, y1 = 1] = d3.extent(xy, (p) => p[1]);
  const x = d3.scaleLinear().domain([x0, x1]).nice().range([20, size - 20]);
  const y = d3.scaleLinear().domain([y0, y1]).nice().range([size - 20, 20]);
  const g = svg.selectAll("g.point").data(sentences).join("g").attr("class", "point").attr("transform", (_, i) => `translate(${x(xy[i][0])},${y(xy[i][1])})`);
  g.append("circle").attr("r", 4).attr("fill", "#e15759");
  g.append("text").attr("x", 6).attr("dy", "0.35em").text((s) => (s.label.length > 28 ? `${s.label.slice(0, 28)}…` : s.label));
  const table = root.append("table").attr("class", "cosines");
  table.append("tr").call((tr) => {
    tr.append("th").text("cosine");
    sentences.forEach((_, i) => tr.append("th").text(String(i + 1)));
  });
  sentences.forEach((s, i) => {
    const tr = table.append("tr");
    tr.append("td").text(`${i + 1}. ${s.label.slice(0, 30)}`);
    sentences.forEach((t) => tr.append("td").text(cosine(s[which], t[which]).toFixed(2)));
  });
}
