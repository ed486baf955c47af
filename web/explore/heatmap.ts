/**
 * A heat-map of a (rows, cols) matrix drawn by d3 into an SVG: the cells are painted on a canvas once and
 * embedded as one data: image (a 512×512 attention map is 262k cells: as SVG rects it would be unusable),
 * with token labels on both axes when they fit, a colour legend, a hover read-out, and cells the attention
 * mask forbids painted grey, so the mask is visible.
 */
import * as d3 from "d3";

export interface HeatmapOptions {
  rows: number;
  cols: number;
  values: ArrayLike<number>; // (rows, cols) row-major
  rowLabels?: string[];
  colLabels?: string[];
  /** Colour domain; default [0, 1]. */
  domain?: [number, number];
  diverging?: boolean;
  /** Cells that are masked out (drawn grey), e.g. keys after the query under the causal mask. */
  masked?: (row: number, col: number) => boolean;
  /** Largest side of the map in pixels. */
  size?: number;
  describe?: (row: number, col: number, value: number) => string;
  /** A thumbnail: no legend, no read-out. */
  bare?: boolean;
}

const MASKED = [221, 221, 221];
const LABEL_ROOM = 70;

function paint(o: HeatmapOptions, color: (v: number) => string): string {
  const canvas = document.createElement("canvas");
  canvas.width = o.cols;
  canvas.height = o.rows;
  const ctx = canvas.getContext("2d");
  if (ctx === null) throw new Error("no 2-D canvas");
  const image = ctx.createImageData(o.cols, o.rows);
  for (let r = 0; r < o.rows; r++) {
    for (let c = 0; c < o.cols; c++) {
      const rgb = o.masked?.(r, c) === true ? { r: MASKED[0], g: MASKED[1], b: MASKED[2] } : d3.rgb(color(o.values[r * o.cols + c]));
      const i = 4 * (r * o.cols + c);
      image.data[i] = rgb.r;
      image.data[i + 1] = rgb.g;
      image.data[i + 2] = rgb.b;
      image.data[i + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL("image/png");
}

/** Width and height the heat-map needs (for sizing its figure). */
export function heatmapSize(o: Pick<HeatmapOptions, "rows" | "cols" | "rowLabels" | "size">): { width: number; height: number; cell: number } {
  const cell = Math.max(1, Math.min(22, (o.size ?? 360) / Math.max(o.rows, o.cols)));
  const labels = o.rowLabels !== undefined && cell >= 8 ? LABEL_ROOM : 4;
  return { width: labels + o.cols * cell + 50, height: labels + o.rows * cell + 20, cell };
}

export function drawHeatmap<E extends SVGElement>(svg: d3.Selection<E, unknown, null, undefined>, o: HeatmapOptions, x0 = 0, y0 = 0): void {
  const { cell } = heatmapSize(o);
  const showLabels = o.rowLabels !== undefined && cell >= 8;
  const left = x0 + (showLabels ? LABEL_ROOM : 4);
  const top = y0 + (showLabels ? LABEL_ROOM : 4);
  const [lo, hi] = o.domain ?? [0, 1];
  const color = o.diverging === true ? d3.scaleDiverging(d3.interpolateRdBu).domain([hi, (lo + hi) / 2, lo]) : d3.scaleSequential(d3.interpolateBlues).domain([lo, hi]);
  const g = svg.append("g").attr("class", "heatmap");
  g.append("image")
    .attr("x", left).attr("y", top).attr("width", o.cols * cell).attr("height", o.rows * cell)
    .attr("preserveAspectRatio", "none").style("image-rendering", "pixelated")
    .attr("href", paint(o, (v) => color(v)));
  if (showLabels) {
    g.selectAll("text.row").data(o.rowLabels ?? []).join("text").attr("class", "row")
      .attr("x", left - 3).attr("y", (_, i) => top + (i + 0.5) * cell).attr("dy", "0.35em").attr("text-anchor", "end").text((d) => d);
    g.selectAll("text.col").data(o.colLabels ?? o.rowLabels ?? []).join("text").attr("class", "col")
      .attr("transform", (_, i) => `translate(${left + (i + 0.5) * cell},${top - 3}) rotate(-60)`).attr("dy", "0.35em").text((d) => d);
  }
  if (o.bare === true) return;
  // Legend: a vertical colour bar with its domain.
  const bar = g.append("g").attr("transform", `translate(${left + o.cols * cell + 10},${top})`);
  const steps = d3.range(0, 1.0001, 0.1);
  const barHeight = Math.min(120, Math.max(40, o.rows * cell));
  bar.selectAll("rect").data(steps).join("rect").attr("width", 10).attr("height", barHeight / steps.length + 0.5)
    .attr("y", (_, i) => barHeight - (i + 1) * (barHeight / steps.length)).attr("fill", (s) => color(lo + s * (hi - lo)));
  bar.append("text").attr("x", 13).attr("y", 8).text(d3.format(".2")(hi));
  bar.append("text").attr("x", 13).attr("y", barHeight).text(d3.format(".2")(lo));
  const readout = g.append("text").attr("class", "readout").attr("x", left).attr("y", top + o.rows * cell + 4).attr("dy", "0.8em");
  g.append("rect").attr("x", left).attr("y", top).attr("width", o.cols * cell).attr("height", o.rows * cell).attr("fill", "transparent")
    .on("mousemove", (event: MouseEvent) => {
      const [mx, my] = d3.pointer(event);
      const r = Math.min(o.rows - 1, Math.floor((my - top) / cell));
      const c = Math.min(o.cols - 1, Math.floor((mx - left) / cell));
      const v = o.values[r * o.cols + c];
      readout.text(o.masked?.(r, c) === true ? "masked: cannot attend" : (o.describe?.(r, c, v) ?? `${r}, ${c}: ${v.toFixed(3)}`));
    })
    .on("mouseleave", () => readout.text(""));
}
