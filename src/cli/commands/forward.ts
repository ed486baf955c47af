/** `bertkit forward`: run a model folder on inputs from a safetensors file, write outputs to another. */
import { Option, type Command } from "commander";
import { ARCHITECTURE_NAMES } from "../../bert/architecture-names.js";
import type { ForwardFileResult } from "../../inference/forward-file.js";
import { integer } from "../parse.js";
import { required } from "../usage.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";

interface ForwardFlags extends DtypeFlag {
  model?: string;
  inputs?: string;
  out?: string;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  class?: string;
  threads?: number;
}

const SHOWN_KEYS = 6;

/** "[a, b, c, … and 12 more]" */
export function abbreviatedList(names: readonly string[], shown = SHOWN_KEYS): string {
  const head = names.slice(0, shown).join(", ");
  return names.length > shown ? `[${head}, … and ${names.length - shown} more]` : `[${head}]`;
}

/** Hugging Face's warning for weights the checkpoint did not have, as one line. */
export function newWeightsWarning(result: ForwardFileResult, model: string): string | null {
  const fresh = result.report.newlyInitialized;
  if (fresh.length === 0) return null;
  return (
    `bertkit: warning: some weights of ${result.architecture} were not initialized from the model checkpoint at ${model} ` +
    `and are newly initialized: ${abbreviatedList(fresh)}; their outputs are random: train this model on a down-stream task first`
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function registerForward(program: Command): void {
  program
    .command("forward")
    .description("run a model on input_ids/attention_mask/token_type_ids from a safetensors file; write every output as F32")
    .option("--model <dir>", "(required) Hugging Face model folder (config.json + model.safetensors)")
    .option("--inputs <file>", "(required) safetensors with input_ids (and optionally attention_mask, token_type_ids), I32 or I64, (batch, tokens)")
    .option("--out <file>", "(required) safetensors file to write")
    .option("--output-hidden-states", "also write hidden_states.0 … hidden_states.L")
    .option("--output-attentions", "also write attentions.0 … (batch, heads, tokens, tokens)")
    .addOption(new Option("--class <name>", "model class to run instead of config.json's architectures[0]").choices(ARCHITECTURE_NAMES))
    .addOption(dtypeOption())
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .action(async (o: ForwardFlags) => {
      const model = required(o.model, "--model <dir>");
      const inputs = required(o.inputs, "--inputs <file>");
      const out = required(o.out, "--out <file>");
      const { forwardFile } = await import("../../inference/forward-file.js");
      const { fmt } = await import("../../tensor/shape.js");
      const result = forwardFile({
        model,
        inputs,
        out,
        outputHiddenStates: o.outputHiddenStates,
        outputAttentions: o.outputAttentions,
        class: o.class,
        dtype: o.dtype,
      });
      const warning = newWeightsWarning(result, model);
      if (warning !== null) process.stderr.write(warning + "\n");
      const lines = result.outputs.map(([name, shape]) => `  ${name} ${fmt(shape)}`);
      process.stdout.write(`wrote ${plural(result.outputs.length, "tensor")} to ${out}:\n${lines.join("\n")}\n`);
    });
}
