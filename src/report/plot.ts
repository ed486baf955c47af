/**
 * Plots of a training log as SVG, drawn by Vega-Lite (the chart grammar) and Vega (its renderer, which writes
 * SVG in Node without a browser or a canvas module): loss (training and evaluation), masked-token accuracy and
 * learning rate against the step, in panels that share the step axis. A panel whose numbers the log lacks is
 * left out.
 */
import { basename } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { readTrainingLog, type LogPoint, type TrainingLog } from "./training-log.js";

interface Panel {
  /** The log's key. */
  key: string;
  /** Axis title. */
  title: string;
  /** d3 number format of the axis labels. */
  format: string;
  /** Evaluation lines carry it too. */
  withEval: boolean;
}

export const PANELS: readonly Panel[] = [
  { key: "loss", title: "loss", format: "~r", withEval: true },
  { key: "masked_accuracy", title: "masked-token accuracy", format: ".0%", withEval: true },
  { key: "lr", title: "learning rate", format: "~e", withEval: false },
];

/** Points drawn per line at most: a longer run is thinned evenly (its last point kept), so the SVG stays small. */
export const MAX_POINTS = 2000;

export interface PlotPoint {
  step: number;
  value: number;
  series: "train" | "eval";
}

function series(points: readonly LogPoint[], key: string, name: PlotPoint["series"]): PlotPoint[] {
  const out = points.filter((p) => key in p.values).map((p) => ({ step: p.step, value: p.values[key], series: name }));
  if (out.length <= MAX_POINTS) return out;
  const every = Math.ceil(out.length / MAX_POINTS);
  return out.filter((_, i) => i % every === 0 || i === out.length - 1);
}

/** The Vega-Lite specification of the plots of `log` (`title` above them). */
export function plotSpec(log: TrainingLog, title: string): TopLevelSpec {
  const panels = PANELS.map((panel) => ({
    panel,
    values: [...series(log.steps, panel.key, "train"), ...(panel.withEval ? series(log.evals, panel.key, "eval") : [])],
  })).filter(({ values }) => values.length > 0);
  if (panels.length === 0) throw new InputError(`the log ${title} has no ${PANELS.map((p) => p.key).join(", ")} to plot`);
  const color = {
    field: "series",
    type: "nominal" as const,
    title: null,
    scale: { domain: ["train", "eval"], range: ["#1f77b4", "#d62728"] },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    background: "white",
    resolve: { scale: { x: "shared" } },
    vconcat: panels.map(({ panel, values }) => ({
      width: 560,
      height: 160,
      data: { values },
      encoding: {
        x: { field: "step", type: "quantitative" as const, title: "step", axis: { format: "~s" } },
        y: { field: "value", type: "quantitative" as const, title: panel.title, scale: { zero: false }, axis: { format: panel.format } },
        color,
      },
      layer: [
        { mark: { type: "line" as const, strokeWidth: 1.5 } },
        // Evaluations are few: a dot for each, so that a single one still shows.
        { mark: { type: "point" as const, filled: true, size: 30 }, transform: [{ filter: "datum.series === 'eval'" }] },
      ],
    })),
  };
}

/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: Vega costs every program that imports bertkit about 0.4 s and 25 MiB at start-up.
  const [{ parse, View }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new View(parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PlotResult {
  /** Step and evaluation lines read. */
  steps: number;
  evals: number;
  /** Axis titles of the panels drawn, top to bottom. */
  panels: string[];
}

/** Reads the training log at `logPath` and writes its plots to `outPath` (SVG, atomically). */
export async function plotTrainingLog(logPath: string, outPath: string): Promise<PlotResult> {
  const log = readTrainingLog(logPath);
  const spec = plotSpec(log, basename(logPath));
  const svg = await renderSvg(spec);
  writeFileAtomic(outPath, svg);
  const panels = PANELS.filter((p) => log.steps.some((s) => p.key in s.values) || (p.withEval && log.evals.some((e) => p.key in e.values)));
  return { steps: log.steps.length, evals: log.evals.length, panels: panels.map((p) => p.title) };
}
