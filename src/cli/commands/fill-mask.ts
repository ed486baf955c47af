/**
 * `bertkit fill-mask`: the most probable words for each [MASK] of each text. Prints each text, then its candidates
 * with their probabilities; `--json` prints exactly what Hugging Face's fill-mask pipeline returns for the same
 * input (one text with one mask: a list of {score, token, token_str, sequence}; more masks or texts: nested lists).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { FillMaskResult } from "../../inference/pipelines/fill-mask.js";
import { printLines } from "../output.js";
import { integer } from "../parse.js";
import { readTexts } from "../text-inputs.js";
import { required, UsageError } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

export interface FillMaskFlags extends DtypeFlag {
  model?: string;
  file?: string;
  topK?: number;
  targets?: string;
  batchSize?: number;
  json?: boolean;
  threads?: number;
}

/** "door,window" → ["door", "window"]; blanks around commas are dropped. */
export function parseTargets(list: string): string[] {
  const targets = list.split(",").map((t) => t.trim()).filter((t) => t !== "");
  if (targets.length === 0) throw new UsageError("--targets needs at least one word, e.g. --targets door,window");
  return targets;
}

/** Names the texts of `file` by their line ("notes.txt:7"), blank lines skipped as readTexts skips them. */
export function fileLineNames(file: string): (index: number) => string {
  const numbers = readFileSync(file, "utf8").split(/\r?\n/).flatMap((line, i) => (line.trim() === "" ? [] : [i + 1]));
  return (index) => `${file}:${numbers[index] ?? "?"}`;
}

/** The human-readable lines: each text, then "  token  score%" per candidate (grouped per mask when there are several). */
export function fillMaskLines(results: readonly FillMaskResult[]): string[] {
  return results.flatMap((r) => {
    const several = r.masks.length > 1;
    const indent = several ? "    " : "  ";
    const width = Math.max(...r.masks.flat().map((c) => c.token_str.length));
    const body = r.masks.flatMap((candidates, m) => [
      ...(several ? [`  [MASK] ${m + 1}:`] : []),
      ...candidates.map((c) => `${indent}${c.token_str.padEnd(width)}  ${(100 * c.score).toFixed(2).padStart(6)}%`),
    ]);
    return [r.text, ...body];
  });
}

export function registerFillMask(program: Command): void {
  program
    .command("fill-mask")
    .description("predict the word behind each [MASK] of each text with a masked-language model (as Hugging Face's fill-mask pipeline)")
    .argument("[texts...]", "texts with [MASK] (default: --file, else one per line on standard input)")
    .option("--model <dir>", "(required) Hugging Face model folder with the MLM head (config.json, model.safetensors, vocab)")
    .option("--file <file>", "texts to fill, one per line (or .jsonl with a \"text\" field)")
    .option("--top-k <n>", "candidates per mask (default 5)", integer(1))
    .option("--targets <words>", "score only these words, comma-separated (e.g. door,window)")
    .option("--batch-size <n>", "texts per forward pass (default 8)", integer(1, 4096))
    .option("--json", "print Hugging Face's output as JSON")
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (args: string[], o: FillMaskFlags) => {
      const model = required(o.model, "--model <dir>");
      const targets = o.targets === undefined ? undefined : parseTargets(o.targets);
      const texts = await readTexts({ args, file: o.file });
      const { FillMaskPipeline, huggingFaceOutput } = await import("../../inference/pipelines/fill-mask.js");
      const pipeline = await FillMaskPipeline.load(model, { dtype: o.dtype });
      const warn = (message: string): void => void process.stderr.write(`bertkit: warning: ${message}\n`);
      if (pipeline.warning !== null) warn(pipeline.warning);
      const results = pipeline.run(texts, {
        topK: o.topK,
        targets,
        batchSize: o.batchSize,
        onWarning: warn,
        ...(o.file !== undefined && args.length === 0 ? { describeText: fileLineNames(o.file) } : {}),
      });
      printLines(o.json === true ? [JSON.stringify(huggingFaceOutput(results))] : fillMaskLines(results));
    });
}
