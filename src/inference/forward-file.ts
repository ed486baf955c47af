/**
 * `forwardFile`: runs a Hugging Face model folder on the inputs in a safetensors file and writes every output as F32
 * under Hugging Face's names (`last_hidden_state`, `logits`, `hidden_states.0`, …) — the way to compare bertkit with
 * another implementation. `bertkit forward` is a thin layer over it.
 */
import { InputError } from "../errors.js";
import type { ArchitectureName } from "../bert/architectures.js";
import type { BertInputs } from "../bert/model.js";
import { namedOutputs } from "./named-outputs.js";
import { loadPretrained, type ModelDType } from "../bert/pretrained.js";
import type { LoadReport } from "../bert/state-dict.js";
import { readSafetensors, readSafetensorsHeader, type TensorData, writeSafetensors } from "../io/safetensors.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

export interface ForwardFileOptions {
  /** Model folder: config.json + model.safetensors. */
  model: string;
  /** safetensors with `input_ids` (and optionally `attention_mask`, `token_type_ids`), (batch, tokens), I32 or I64. */
  inputs: string;
  /** safetensors file to write (atomically). */
  out: string;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  /** Model class to run instead of config.json's architectures[0]. */
  class?: string;
  /** Precision of the Linear layers (see `loadPretrained`); default: the folder's own. */
  dtype?: ModelDType;
}

export interface ForwardFileResult {
  /** Each written tensor's name and shape, in the order written. */
  outputs: Array<[string, number[]]>;
  architecture: ArchitectureName;
  /** What loading the weights found: parameters newly initialised (a head not in the checkpoint) and tensors unused. */
  report: LoadReport;
}

export const INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"] as const;
/** Integer dtypes accepted for the inputs (as `transformers` and onnxruntime feed them). */
export const INPUT_DTYPES = ["I32", "I64"] as const;

/** Checks the file's own dtypes (the reader converts every integer dtype to int32, so it must be done on the header). */
function checkInputDtypes(path: string): void {
  const header = readSafetensorsHeader(path);
  for (const name of INPUT_NAMES) {
    const entry = header.get(name);
    if (entry !== undefined && !(INPUT_DTYPES as readonly string[]).includes(entry.dtype)) {
      throw new InputError(
        `${path}: "${name}" is ${entry.dtype}; ${INPUT_NAMES.join(", ")} must be ${INPUT_DTYPES.join(" or ")} ` +
          `(convert it, e.g. numpy's .astype("int64") or torch's .long())`,
      );
    }
  }
}

function intInput(tensors: Map<string, TensorData>, name: string, source: string): Tensor | null {
  const t = tensors.get(name);
  if (t === undefined) return null;
  if (t.dtype !== "int32") throw new InputError(`${source}: "${name}" must be an integer tensor (I32 or I64), got ${t.dtype}`);
  if (t.shape.length !== 2) throw new InputError(`${source}: "${name}" must be (batch, tokens), got ${fmt(t.shape)}`);
  return new Tensor(t.data, t.shape);
}

/** Reads and checks the model inputs of a safetensors file. */
export function readModelInputs(path: string): BertInputs {
  checkInputDtypes(path);
  const { tensors } = readSafetensors(path);
  const inputIds = intInput(tensors, "input_ids", path);
  if (inputIds === null) throw new InputError(`${path}: no "input_ids" tensor (expected input_ids, and optionally attention_mask, token_type_ids)`);
  const inputs: BertInputs = {
    inputIds,
    attentionMask: intInput(tensors, "attention_mask", path),
    tokenTypeIds: intInput(tensors, "token_type_ids", path),
  };
  for (const [name, t] of [["attention_mask", inputs.attentionMask], ["token_type_ids", inputs.tokenTypeIds]] as const) {
    if (t && !sameShape(t.shape, inputIds.shape)) throw new InputError(`${path}: "${name}" ${fmt(t.shape)} must match input_ids ${fmt(inputIds.shape)}`);
  }
  return inputs;
}

/** Loads the model, runs it on the inputs file and writes the outputs file. */
export function forwardFile(o: ForwardFileOptions): ForwardFileResult {
  const { model, architecture, report } = loadPretrained(o.model, { architecture: o.class, dtype: o.dtype });
  const inputs = readModelInputs(o.inputs);
  const outputs = namedOutputs(model, inputs, { hiddenStates: o.outputHiddenStates, attentions: o.outputAttentions });
  const data = new Map<string, TensorData>();
  for (const [name, t] of outputs) data.set(name, { dtype: "float32", shape: [...t.shape], data: Float32Array.from(t.data) });
  writeSafetensors(o.out, data, { producer: "bertkit", architecture });
  return { outputs: [...data].map(([name, t]) => [name, t.shape]), architecture, report };
}
