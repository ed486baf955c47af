/**
 * `bertkit quantize --model DIR --out DIR --dtype int8|bf16 [--keep-fp32 PATTERN…]`: a copy of a model folder with
 * its Linear layers in int8 (I8 weights + F32 scales, bertkit's layout) or bf16 (plain BF16 tensors), but those
 * --keep-fp32 names, which stay F32; loadable by every inference command without --dtype (int8) or with --dtype
 * bf16. See docs/quantization.md.
 */
import { Option, type Command } from "commander";
import { required } from "../usage.js";

interface QuantizeFlags {
  model?: string;
  out?: string;
  dtype?: "int8" | "bf16";
  keepFp32?: string[];
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

export function registerQuantize(program: Command): void {
  program
    .command("quantize")
    .description("write a copy of a model folder with its Linear layers in int8 or bf16, for faster and smaller inference")
    .option("--model <dir>", "(required) Hugging Face model folder (config.json, model.safetensors, tokenizer files)")
    .option("--out <dir>", "(required) folder to write (config.json, model.safetensors and the tokenizer files)")
    .addOption(new Option("--dtype <dtype>", "(required) int8: per-channel symmetric weights, dynamic uint8 activations; bf16: bfloat16 weights").choices(["int8", "bf16"]))
    .option("--keep-fp32 <patterns...>", "Linear layers to keep in float32: paths such as bert.encoder.layer.3.output.dense, " +
      "with * for part of one segment (bert.encoder.layer.*.output.dense) and ** for whole segments (**.output.dense)")
    .action(async (o: QuantizeFlags) => {
      const model = required(o.model, "--model <dir>");
      const out = required(o.out, "--out <dir>");
      const dtype = required(o.dtype, "--dtype <int8|bf16>");
      const { quantizePretrained } = await import("../../bert/pretrained.js");
      const r = quantizePretrained(model, out, dtype, { keepFp32: o.keepFp32 });
      const kept = r.kept.length === 0 ? "" : ` (${r.kept.length} kept in fp32: ${r.kept.join(", ")})`;
      process.stdout.write(
        `wrote ${out}: ${r.architecture} with ${r.layers} Linear layers in ${dtype}${kept}; ` +
          `model.safetensors ${mib(r.bytesBefore)} → ${mib(r.bytesAfter)}` +
          (r.copied.length > 0 ? `; copied ${r.copied.join(", ")}` : "") + "\n",
      );
    });
}
