/** `bertkit bench <forward|train>`: sequences/s, tokens/s and peak RSS of a model size on this machine. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Argument, type Command, Option } from "commander";
import type { BertConfig } from "../../bert/config.js";
import { InputError } from "../../errors.js";
import type { BenchMode } from "../../perf/throughput.js";
import { dtypeOption, type DtypeFlag } from "../dtype-flag.js";
import { integer, positiveNumber } from "../parse.js";
import { UsageError } from "../usage.js";

interface BenchFlags extends DtypeFlag {
  config: string;
  batch: number;
  seq: number;
  minSeq?: number;
  threads?: number;
  seconds: number;
  json?: boolean;
}

/** A preset name (tiny … large) or a model folder / config.json path. */
export async function resolveConfig(spec: string): Promise<BertConfig> {
  const { isPresetName, presetConfig, readConfig } = await import("../../bert/config.js");
  if (isPresetName(spec)) return presetConfig(spec);
  const path = existsSync(join(spec, "config.json")) ? join(spec, "config.json") : spec;
  if (!existsSync(path)) throw new InputError(`--config ${spec}: not a preset (tiny, mini, small, medium, base, large) nor a model folder or config.json`);
  return readConfig(path);
}

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("time a forward pass (BertModel, eval) or a pre-training step (MLM + NSP, backward, AdamW)")
    .addOption(new Option("--config <preset|dir>", "preset (tiny, mini, small, medium, base, large) or model folder").default("base"))
    .option("--batch <n>", "sequences per batch", integer(1), 8)
    .option("--seq <n>", "tokens per sequence", integer(1), 128)
    .option("--min-seq <n>", "draw each sequence's real length from [min-seq, seq] (padding the rest)", integer(1))
    .option("--threads <n>", "compute threads (default: all cores, or BERTKIT_THREADS)", integer(1, 1024))
    .option("--seconds <s>", "time for at least this long", positiveNumber, 10)
    .option("--json", "print {seq_per_s, tokens_per_s, peak_rss_mib} as JSON")
    .addOption(dtypeOption("precision of the Linear layers: fp32 (default), bf16 or int8; forward only"))
    .addArgument(new Argument("<mode>", "forward: a BertModel forward pass; train: a pre-training step").choices(["forward", "train"]))
    .action(async (mode: BenchMode, flags: BenchFlags) => {
      const config = await resolveConfig(flags.config);
      if (mode === "train" && flags.dtype !== undefined && flags.dtype !== "fp32") {
        throw new UsageError(`--dtype ${flags.dtype} is for bench forward; training needs fp32 (leave --dtype out)`);
      }
      const { measureThroughput } = await import("../../perf/throughput.js");
      const { activeBackend } = await import("../../backend/registry.js");
      const r = measureThroughput({ mode, config, batch: flags.batch, seq: flags.seq, seconds: flags.seconds, minSeq: flags.minSeq, dtype: flags.dtype });
      if (flags.json === true) {
        process.stdout.write(JSON.stringify({ seq_per_s: r.seq_per_s, tokens_per_s: r.tokens_per_s, peak_rss_mib: r.peak_rss_mib }) + "\n");
        return;
      }
      const size = `L${config.num_hidden_layers}/H${config.hidden_size}${flags.dtype !== undefined && flags.dtype !== "fp32" ? ` ${flags.dtype}` : ""}`;
      process.stdout.write(
        `${mode} ${size} B${flags.batch}×T${flags.seq} on the ${activeBackend().name} backend: ` +
        `${r.seq_per_s.toFixed(2)} seq/s, ${Math.round(r.tokens_per_s)} tokens/s` +
        (flags.minSeq !== undefined ? ` (${Math.round(r.real_tokens_per_s)} real tokens/s)` : "") +
        `, peak RSS ${Math.round(r.peak_rss_mib)} MiB (${r.iterations} iterations in ${r.seconds.toFixed(1)} s)\n`,
      );
    });
}
