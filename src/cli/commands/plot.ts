/** `bertkit plot`: a training log (JSON lines) → SVG plots of loss, masked-token accuracy and learning rate. */
import type { Command } from "commander";
import { required } from "../usage.js";

interface PlotFlags {
  out?: string;
}

export function registerPlot(program: Command): void {
  program
    .command("plot")
    .description("plot a training log: loss (training and evaluation), masked-token accuracy and learning rate against the step, as SVG")
    .argument("<log>", "training log: JSON lines {\"step\", \"loss\", …} and {\"eval\": true, \"step\", \"loss\", …} (bertkit pretrain writes one)")
    .option("--out <file>", "(required) SVG file to write")
    .action(async (log: string, o: PlotFlags) => {
      const out = required(o.out, "--out <file>");
      const { plotTrainingLog } = await import("../../report/plot.js");
      const r = await plotTrainingLog(log, out);
      const evals = r.evals === 0 ? "" : `, ${r.evals} evaluation${r.evals === 1 ? "" : "s"}`;
      process.stdout.write(`wrote ${out}: ${r.panels.join(", ")} (${r.steps} step${r.steps === 1 ? "" : "s"}${evals})\n`);
    });
}
