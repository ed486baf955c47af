import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it, onTestFinished } from "vitest";
import { readSafetensors, serializeSafetensors, writeSafetensors, type TensorData } from "../../src/io/safetensors.js";

// Cross-checks against the reference library where Python has it (`pip install safetensors numpy`);
// skipped elsewhere. Without it, safetensors-real-files.test.ts still checks files Python wrote.
const hasPythonSafetensors = spawnSync("python3", ["-c", "import safetensors.numpy"], { stdio: "ignore" }).status === 0;

const PYTHON = `
import json, sys
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save_file
ours, theirs = sys.argv[1], sys.argv[2]
loaded = load_file(ours)
with safe_open(ours, framework="np") as f:
    metadata = f.metadata()
save_file({"w": np.array([[1.5, -2.0]], dtype=np.float32), "ids": np.array([7, 8, 9], dtype=np.int32)}, theirs, metadata={"format": "pt"})
print(json.dumps({"metadata": metadata, "tensors": {
    name: {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.ravel().tolist()} for name, t in loaded.items()}}))
`;

it.skipIf(!hasPythonSafetensors)("Python safetensors reads what we write, and we write what it writes", () => {
  // Made inside the test: a skipped file runs no hooks, so a module-level temp dir would leak.
  const directory = mkdtempSync(join(tmpdir(), "bertkit-python-"));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  const ours = join(directory, "ours.safetensors");
  const theirs = join(directory, "theirs.safetensors");
  const tensors: Record<string, TensorData> = {
    w: { dtype: "float32", shape: [1, 2], data: new Float32Array([1.5, -2]) },
    ids: { dtype: "int32", shape: [3], data: new Int32Array([7, 8, 9]) },
    scalar: { dtype: "float32", shape: [], data: new Float32Array([3]) },
    empty: { dtype: "float32", shape: [0, 2], data: new Float32Array(0) },
  };
  writeSafetensors(ours, tensors, { format: "pt" });

  const report = JSON.parse(execFileSync("python3", ["-c", PYTHON, ours, theirs], { encoding: "utf8" })) as unknown;
  expect(report).toEqual({
    metadata: { format: "pt" },
    tensors: {
      w: { dtype: "float32", shape: [1, 2], values: [1.5, -2] },
      ids: { dtype: "int32", shape: [3], values: [7, 8, 9] },
      scalar: { dtype: "float32", shape: [], values: [3] },
      empty: { dtype: "float32", shape: [0, 2], values: [] },
    },
  });

  const { w, ids } = tensors;
  expect(Buffer.from(serializeSafetensors({ w, ids }, { format: "pt" })).equals(readFileSync(theirs))).toBe(true);
  expect(readSafetensors(theirs).tensors).toEqual(new Map([["ids", ids], ["w", w]]));
});
