/**
 * Our pre-training loss curve against Hugging Face's BERT-mini run on the same corpus and recipe: prints a markdown
 * table at Hugging Face's reported steps (its single-batch losses, from ../shared/models/README.md, beside our mean
 * over steps ±25, since single batches are noisy) with the held-out evaluation nearest each step, and draws both
 * curves with the held-out masked-token accuracy (Vega-Lite, as `bertkit plot` does) into an SVG.
 *
 *   npx vite-node bench/pretrain/compare.ts -- LOG.jsonl [--out FILE.svg] [--reference ../shared/models/README.md]
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "../../src/report/plot.js";
import { readTrainingLog, type LogPoint } from "../../src/report/training-log.js";
import { writeFileAtomic } from "../../src/util/atomic-write.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HALF_WINDOW = 25;

/** Hugging Face's (step, total loss) pairs: the README line "Total training loss … at step 0: 11.06, 500: 6.57, …". */
export function referenceLosses(readme: string): Array<{ step: number; loss: number }> {
  const line = readme.split("\n").find((l) => /total training loss/i.test(l));
  if (line === undefined) throw new Error("no 'Total training loss' line in the reference README");
  return [...line.matchAll(/(\d+): (\d+\.\d+)/g)].map((m) => ({ step: Number(m[1]), loss: Number(m[2]) }));
}

/** Mean loss over the logged steps within ±HALF_WINDOW of `at`, or null when none is logged there. */
function windowMean(steps: readonly LogPoint[], at: number): number | null {
  const near = steps.filter((p) => Math.abs(p.step - at) <= HALF_WINDOW && "loss" in p.values).map((p) => p.values.loss);
  return near.length === 0 ? null : near.reduce((s, x) => s + x, 0) / near.length;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: "string", default: join(ROOT, "bench", "out", "pretrain-quality.svg") }, reference: { type: "string", default: join(ROOT, "..", "shared", "models", "README.md") } },
  });
  const logPath = positionals[0];
  if (logPath === undefined) throw new Error("usage: compare.ts LOG.jsonl [--out FILE.svg] [--reference README.md]");
  const log = readTrainingLog(logPath);
  const reference = referenceLosses(readFileSync(values.reference, "utf8"));
  const last = log.steps.at(-1)?.step ?? 0;

  console.log(`| step | bertkit loss (mean of steps ±${HALF_WINDOW}) | Hugging Face loss (one batch) | bertkit held-out loss | held-out masked accuracy |`);
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const { step, loss } of reference) {
    if (step > last) break;
    const ours = step === 0 ? log.steps[0]?.values.loss ?? null : windowMean(log.steps, step);
    const ev = log.evals.reduce<LogPoint | null>((best, e) => (best === null || Math.abs(e.step - step) < Math.abs(best.step - step) ? e : best), null);
    const evalCells = ev === null || Math.abs(ev.step - step) > HALF_WINDOW ? "— | —" : `${ev.values.loss.toFixed(2)} (step ${ev.step}) | ${(100 * ev.values.masked_accuracy).toFixed(1)}%`;
    console.log(`| ${step} | ${ours === null ? "—" : ours.toFixed(2)} | ${loss.toFixed(2)} | ${evalCells} |`);
  }

  const lossValues = [
    ...log.steps.map((p) => ({ step: p.step, value: p.values.loss, series: "bertkit (each step)" })),
    ...log.steps.filter((p) => p.step % 10 === 0).flatMap((p) => {
      const m = windowMean(log.steps, p.step);
      return m === null ? [] : [{ step: p.step, value: m, series: `bertkit (mean ±${HALF_WINDOW})` }];
    }),
    ...log.evals.map((p) => ({ step: p.step, value: p.values.loss, series: "bertkit held-out" })),
    ...reference.map((r) => ({ step: r.step, value: r.loss, series: "Hugging Face (one batch)" })),
  ];
  const series = ["bertkit (each step)", `bertkit (mean ±${HALF_WINDOW})`, "bertkit held-out", "Hugging Face (one batch)"];
  const color = { field: "series", type: "nominal" as const, title: null, scale: { domain: series, range: ["#c6dbef", "#1f77b4", "#2ca02c", "#d62728"] } };
  const spec: TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `BERT-mini pre-training on the Gutenberg corpus: bertkit vs Hugging Face (batch 128, length 128, ${last} steps)`,
    background: "white",
    resolve: { scale: { x: "shared" } },
    vconcat: [
      {
        width: 640, height: 260, data: { values: lossValues },
        encoding: {
          x: { field: "step", type: "quantitative", title: "step", scale: { domain: [0, Math.max(last, 500)] } },
          y: { field: "value", type: "quantitative", title: "total loss (MLM + NSP)", scale: { zero: false } },
          color,
        },
        layer: [
          { mark: { type: "line", strokeWidth: 1.5 }, transform: [{ filter: "datum.series !== 'Hugging Face (one batch)'" }] },
          { mark: { type: "point", filled: true, size: 50 }, transform: [{ filter: "datum.series === 'Hugging Face (one batch)' || datum.series === 'bertkit held-out'" }] },
        ],
      },
      {
        width: 640, height: 140,
        data: { values: log.evals.map((p) => ({ step: p.step, value: p.values.masked_accuracy, series: "bertkit held-out" })) },
        encoding: {
          x: { field: "step", type: "quantitative", title: "step", scale: { domain: [0, Math.max(last, 500)] } },
          y: { field: "value", type: "quantitative", title: "held-out masked-token accuracy", axis: { format: ".0%" } },
          color,
        },
        layer: [{ mark: { type: "line", strokeWidth: 1.5 } }, { mark: { type: "point", filled: true, size: 20 } }],
      },
    ],
  };
  void renderSvg(spec).then((svg) => {
    writeFileAtomic(values.out, svg);
    console.log(`\nwrote ${values.out}`);
  });
}

main();
