/**
 * `bertkit quantize` end to end on gutenberg-mini (4 layers), then `fill-mask` on the quantized folder; `--keep-fp32`;
 * the `--dtype` flag's errors. Runs the compiled CLI as a user would.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensorsHeader } from "../../src/io/safetensors.js";
import { registerBench } from "../../src/cli/commands/bench.js";
import { registerFillMask } from "../../src/cli/commands/fill-mask.js";
import { registerQuantize } from "../../src/cli/commands/quantize.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";
import { runCommand } from "./in-process.js";
import { type BinResult, expectOneLineError, MINI, runBin, tmp } from "./run-bin.js";

const SENTENCE = "He opened the [MASK] and went out.";
const TINY = join(GOLDEN_MODELS, "pretraining-tiny"); // 2 layers, no tokenizer

describe("bertkit quantize", () => {
  it("writes an int8 folder that is smaller, in the documented layout, and that fill-mask runs without --dtype", () => {
    const out = join(tmp("bertkit-quantize-"), "int8");
    const r = runBin(["quantize", "--model", MINI, "--out", out, "--dtype", "int8"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote .*int8: BertForPreTraining with 27 Linear layers in int8; model\.safetensors [\d.]+ MiB → [\d.]+ MiB; copied vocab\.txt, tokenizer_config\.json\n$/);
    for (const f of ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"]) expect(existsSync(join(out, f)), f).toBe(true);
    const size = (dir: string): number => statSync(join(dir, "model.safetensors")).size;
    expect(size(out)).toBeLessThan(0.8 * size(MINI)); // the word embeddings (V × C, 31 of its 45 MB) stay float32
    expect(readSafetensorsHeader(join(out, "model.safetensors")).get("bert.encoder.layer.3.output.dense.weight")).toEqual({ dtype: "I8", shape: [256, 1024] });

    const fill = runBin(["fill-mask", "--model", out, "--top-k", "1", SENTENCE]);
    expect(fill.stderr).toBe("");
    expect(fill.code).toBe(0);
    expect(fill.stdout).toMatch(/^He opened the \[MASK\] and went out\.\n {2}door\s+\d\d\.\d\d%\n$/);

    expectOneLineError(runBin(["fill-mask", "--model", out, "--dtype", "fp32", SENTENCE]), 1, /is an int8 checkpoint \(bertkit quantize\); it loads only as int8/);
  });

  it("--keep-fp32 writes the named layers as F32 and lists them; fill-mask loads the same mix; bad patterns are one-line errors", async () => {
    const out = join(tmp("bertkit-quantize-"), "keep");
    const r = await runCommand(registerQuantize, ["quantize", "--model", MINI, "--out", out, "--dtype", "int8", "--keep-fp32", "bert.encoder.layer.3.*", "cls.predictions.transform.dense"]);
    expect(r.stderr).toBe("");
    const layer3 = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "intermediate.dense", "output.dense"].map((l) => `bert.encoder.layer.3.${l}`);
    const kept = [...layer3, "cls.predictions.transform.dense"];
    expect(r.stdout).toMatch(new RegExp(`^wrote .*keep: BertForPreTraining with 20 Linear layers in int8 \\(7 kept in fp32: ${kept.join(", ").replace(/\./g, "\\.")}\\); model\\.safetensors`));
    const header = readSafetensorsHeader(join(out, "model.safetensors"));
    for (const path of kept) {
      expect(header.get(`${path}.weight`)?.dtype, path).toBe("F32");
      expect(header.has(`${path}.weight_scale`), path).toBe(false);
    }
    expect(header.get("bert.encoder.layer.2.output.dense.weight")?.dtype).toBe("I8");
    expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).quantization_config.modules_to_not_convert).toEqual(kept);

    const fill = runBin(["fill-mask", "--model", out, "--top-k", "1", SENTENCE]);
    expect(fill.stderr).toBe("");
    expect(fill.stdout).toMatch(/^He opened the \[MASK\] and went out\.\n {2}door\s+\d\d\.\d\d%\n$/);

    const keep = (...patterns: string[]): Promise<BinResult> => runCommand(registerQuantize, ["quantize", "--model", TINY, "--out", tmp(), "--dtype", "bf16", "--keep-fp32", ...patterns]);
    expectOneLineError(await keep("bert.encoder.layer.2"), 1, /keep-fp32 pattern "bert\.encoder\.layer\.2" matches no Linear layer of this model; its Linear layers are bert\.encoder\.layer\.0\.attention\.self\.query, .*… likewise in layer 1, bert\.pooler\.dense/);
    expectOneLineError(await keep("**.self.value"), 1, /bert\.encoder\.layer\.0\.attention\.self\.value would stay float32 but not its query and key/);
  });

  it("--dtype bf16 on fill-mask gives fp32's answer", () => {
    const r = runBin(["fill-mask", "--model", MINI, "--dtype", "bf16", "--top-k", "1", SENTENCE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}door\s+3\d\.\d\d%\n$/);
  });

  it("a bad --dtype, a missing one, --out = --model and bench train --dtype int8 are one-line errors", async () => {
    expectOneLineError(await runCommand(registerFillMask, ["fill-mask", "--model", MINI, "--dtype", "int4", SENTENCE]), 2, /argument 'int4' is invalid\. Allowed choices are fp32, bf16, int8/);
    expectOneLineError(await runCommand(registerQuantize, ["quantize", "--model", MINI, "--out", tmp()]), 2, /missing required option --dtype/);
    expectOneLineError(await runCommand(registerQuantize, ["quantize", "--model", MINI, "--out", MINI, "--dtype", "int8"]), 1, /is the model folder itself/);
    expectOneLineError(await runCommand(registerBench, ["bench", "train", "--dtype", "int8"]), 2, /--dtype int8 is for bench forward; training needs fp32/);
  });
});
