/**
 * Hugging Face model folders: `config.json` + `model.safetensors`. `loadPretrained` builds the class that
 * `architectures[0]` names (or the one asked for) and loads its weights; `savePretrained` writes a folder
 * that `transformers`' `from_pretrained` loads.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { readSafetensors, writeSafetensors } from "../io/safetensors.js";
import { type AnyBertModel, type ArchitectureName, architectureNames, createModel, isArchitectureName } from "./architectures.js";
import { type BertConfig, readConfig, writeConfig } from "./config.js";
import { type LoadReport, loadStateDict, stateDict } from "./state-dict.js";

export interface Pretrained {
  model: AnyBertModel;
  config: BertConfig;
  architecture: ArchitectureName;
  report: LoadReport;
}

/**
 * `report.newlyInitialized` lists the keys of a head that the checkpoint did not have (a pre-training
 * checkpoint loaded into a task head): they are random until fine-tuned. `newlyInitializedWarning` words it
 * as Hugging Face does, for a caller to show.
 */
export interface LoadPretrainedOptions {
  /** Model class to build; defaults to `architectures[0]` of config.json. */
  architecture?: string;
}

export function loadPretrained(dir: string, options: LoadPretrainedOptions = {}): Pretrained {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`model folder ${dir} does not exist`);
  const configPath = join(dir, "config.json");
  const weightsPath = join(dir, "model.safetensors");
  for (const p of [configPath, weightsPath]) {
    if (!existsSync(p)) throw new InputError(`${p} is missing; a model folder needs config.json and model.safetensors`);
  }
  const config = readConfig(configPath);
  const saved = config.architectures?.[0] ?? "BertModel";
  const architecture = options.architecture ?? saved;
  if (!isArchitectureName(architecture)) {
    const known = architectureNames().join(", ");
    throw new InputError(options.architecture === undefined
      ? `${configPath}: architectures[0] is "${architecture}", which bertkit does not have; pick one of ${known} (--class in the CLI)`
      : `model class "${architecture}" is not one bertkit has; pick one of ${known}`);
  }
  const model = createModel(architecture, config);
  const { tensors } = readSafetensors(weightsPath);
  const report = loadStateDict(model, tensors, { source: weightsPath, allowNewHead: architecture !== saved });
  model.eval();
  return { model, config, architecture, report };
}

export function savePretrained(dir: string, model: AnyBertModel, config: BertConfig, architecture: ArchitectureName): void {
  mkdirSync(dir, { recursive: true });
  writeConfig(join(dir, "config.json"), config, architecture);
  writeSafetensors(join(dir, "model.safetensors"), stateDict(model), { format: "pt" });
}

/** Hugging Face's warning for a head that was not in the checkpoint, or null when every key was loaded. */
export function newlyInitializedWarning(p: Pick<Pretrained, "architecture" | "report">, dir: string): string | null {
  const keys = p.report.newlyInitialized;
  if (keys.length === 0) return null;
  const shown = keys.length > 6 ? [...keys.slice(0, 6), `… ${keys.length - 6} more`] : keys;
  return `some weights of ${p.architecture} were not in the checkpoint at ${dir} and are newly initialized: ${shown.join(", ")}; ` +
    "its outputs are random until you fine-tune it";
}
