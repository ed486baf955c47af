/** The training panel: each metric of a pretrain/finetune log (`--log FILE.jsonl`) as a line over steps. */
import * as d3 from "d3";
import type { TrainingCurve } from "../../src/explore/explore-data.js";
import { figure } from "./figure.js";

export function drawTraining(parent: HTMLElement, curves: TrainingCurve[]): void {
  if (curves.length === 0) {
    d3.select(parent).append("p").attr("class", "empty").text("Start explore with --log FILE.jsonl (a pretrain or finetune log) to see its curves.");
    return;
  }
  const row = d3.select(parent).append("div").attr("class", "side-by-side");
  for (const curve of curves) {
    const cell = row.append("div").node();
    if (cell === null) continue;
    const [w, h, m] = [320, 200, 40];
    const svg = figure(cell, `training-${curve.name}`, curve.name, w, h);
    const [s0 = 0, s1 = 1] = d3.extent(curve.points, (p) => p[0]);
    const [v0 = 0, v1 = 1] = d3.extent(curve.points, (p) => p[1]);
    const x = d3.scaleLinear().domain([s0, s1]).range([m, w - 10]);
    const y = d3.scaleLinear().domain([v0, v1]).nice().range([h - 25, 10]);
    svg.append("g").attr("transform", `translate(0,${h - 25})`).call(d3.axisBottom(x).ticks(5));
    svg.append("g").attr("transform", `translate(${m},0)`).call(d3.axisLeft(y).ticks(5));
    const line = d3.line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
    svg.append("path").attr("d", line(curve.points) ?? "").attr("fill", "none").attr("stroke", "#4e79a7").attr("stroke-width", 1.5);
  }
}
