/** Before timing peers, check they compute the same function: PyTorch's last_hidden_state vs bertkit's. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadPretrained } from "../../src/bert/pretrained.js";
import { BertForPreTraining } from "../../src/bert/heads/pretraining.js";
import { noGrad } from "../../src/tensor/autograd.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** Reads a little-endian .npy array of float32 or int32 (numpy's simple format, version 1). */
function readNpy(path: string): { shape: number[]; data: Float32Array | Int32Array } {
  const buf = readFileSync(path);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + headerLen).toString("latin1");
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const body = buf.subarray(10 + headerLen);
  const copy = new Uint8Array(body); // aligned copy
  return { shape, data: header.includes("<i4") ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer) };
}

export function checkAgainstTorch(dir: string, python: string, script: string, out: string): { maxDiff: number } {
  execFileSync(python, [script, "outputs", "--model", dir, "--batch", "2", "--seq", "16", "--out", out], { stdio: ["ignore", "ignore", "inherit"] });
  const expected = readNpy(out);
  const ids = readNpy(out.replace(".npy", "-ids.npy"));
  const { model } = loadPretrained(dir);
  if (!(model instanceof BertForPreTraining)) throw new Error("expected BertForPreTraining");
  const [b, t] = ids.shape;
  const types = Int32Array.from({ length: b * t }, (_, i) => (i % t >= t / 2 ? 1 : 0));
  const hidden = noGrad(() => model.bert.forward({ inputIds: new Tensor(ids.data, [b, t]), tokenTypeIds: new Tensor(types, [b, t]) }).lastHiddenState);
  let maxDiff = 0;
  for (let i = 0; i < hidden.size; i++) maxDiff = Math.max(maxDiff, Math.abs(hidden.data[i] - expected.data[i]));
  if (!(maxDiff < 1e-3)) throw new Error(`PyTorch peer disagrees with bertkit on ${dir}: max |Δ| ${maxDiff}`);
  return { maxDiff };
}
