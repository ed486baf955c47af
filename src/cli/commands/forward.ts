/** `bertkit forward`: run a model folder on inputs from a safetensors file, write outputs to another. */
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { namedOutputs } from "../../bert/named-outputs.js";
import { loadPretrained } from "../../bert/pretrained.js";
import type { BertInputs } from "../../bert/model.js";
import { readSafetensors, type TensorData, writeSafetensors } from "../../io/safetensors.js";
import { fmt, sameShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

export interface ForwardFileOptions {
  model: string;
  inputs: string;
  out: string;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  class?: string;
}

function intInput(tensors: Map<string, TensorData>, name: string, source: string): Tensor | null {
  const t = tensors.get(name);
  if (t === undefined) return null;
  if (t.dtype !== "int32") throw new InputError(`${source}: "${name}" must be an integer tensor (I32 or I64), got ${t.dtype}`);
  if (t.shape.length !== 2) throw new InputError(`${source}: "${name}" must be (batch, tokens), got ${fmt(t.shape)}`);
  return new Tensor(t.data, t.shape);
}

/** Library form of the command: returns each output's name and shape. */
export function forwardFile(o: ForwardFileOptions): [string, number[]][] {
  const { model, architecture } = loadPretrained(o.model, { architecture: o.class });
  const { tensors } = readSafetensors(o.inputs);
  const inputIds = intInput(tensors, "input_ids", o.inputs);
  if (inputIds === null) throw new InputError(`${o.inputs}: no "input_ids" tensor (expected input_ids, and optionally attention_mask, token_type_ids)`);
  const inputs: BertInputs = {
    inputIds,
    attentionMask: intInput(tensors, "attention_mask", o.inputs),
    tokenTypeIds: intInput(tensors, "token_type_ids", o.inputs),
  };
  for (const [name, t] of [["attention_mask", inputs.attentionMask], ["token_type_ids", inputs.tokenTypeIds]] as const) {
    if (t && !sameShape(t.shape, inputIds.shape)) throw new InputError(`${o.inputs}: "${name}" ${fmt(t.shape)} must match input_ids ${fmt(inputIds.shape)}`);
  }
  const outputs = namedOutputs(model, inputs, { hiddenStates: o.outputHiddenStates, attentions: o.outputAttentions });
  const data = new Map<string, TensorData>();
  for (const [name, t] of outputs) data.set(name, { dtype: "float32", shape: [...t.shape], data: Float32Array.from(t.data) });
  writeSafetensors(o.out, data, { producer: "bertkit", architecture });
  return [...data].map(([name, t]) => [name, t.shape]);
}

export function registerForward(program: Command): void {
  program
    .command("forward")
    .description("run a model on input_ids/attention_mask/token_type_ids from a safetensors file; write every output as F32")
    .requiredOption("--model <dir>", "Hugging Face model folder (config.json + model.safetensors)")
    .requiredOption("--inputs <file>", "safetensors with input_ids (and optionally attention_mask, token_type_ids), I32 or I64")
    .requiredOption("--out <file>", "safetensors file to write")
    .option("--output-hidden-states", "also write hidden_states.0 … hidden_states.L")
    .option("--output-attentions", "also write attentions.0 … (batch, heads, tokens, tokens)")
    .option("--class <name>", "model class to run instead of architectures[0] (e.g. BertModel)")
    .action((opts: ForwardFileOptions) => {
      const written = forwardFile(opts);
      const lines = written.map(([name, shape]) => `  ${name} ${fmt(shape)}`);
      process.stdout.write(`wrote ${written.length} tensors to ${opts.out}:\n${lines.join("\n")}\n`);
    });
}
