/** `bertkit bench`: JSON output with the documented keys, variable lengths, and clear errors. */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { presetConfig } from "../../src/bert/config.js";
import { measureThroughput } from "../../src/perf/throughput.js";

const BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "bertkit");

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bertkit bench", () => {
  it.each(["forward", "train"])("%s --json prints seq_per_s, tokens_per_s and peak_rss_mib", (mode) => {
    const r = run(["bench", mode, "--config", "tiny", "--batch", "2", "--seq", "16", "--seconds", "0.2", "--threads", "1", "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(out).sort()).toEqual(["peak_rss_mib", "seq_per_s", "tokens_per_s"]);
    expect(out.tokens_per_s).toBeCloseTo(out.seq_per_s * 16, 6);
    expect(out.peak_rss_mib).toBeGreaterThan(10);
  });

  it("counts real tokens separately for variable-length batches", () => {
    const r = measureThroughput({ mode: "forward", config: presetConfig("tiny"), batch: 4, seq: 32, minSeq: 4, seconds: 0.05 });
    expect(r.real_tokens_per_s).toBeLessThan(r.tokens_per_s);
    expect(r.iterations).toBeGreaterThanOrEqual(2);
  });

  it("rejects an unknown mode, a bad preset and a sequence longer than the model", () => {
    expect(run(["bench", "backward", "--config", "tiny"]).stderr).toMatch(/argument 'mode'\. Allowed choices are forward, train/);
    expect(run(["bench", "forward", "--config", "huge"]).stderr).toMatch(/not a preset .* nor a model folder/);
    expect(run(["bench", "forward", "--config", "tiny", "--seq", "1000"]).stderr).toMatch(/--seq 1000 exceeds the model's 512 positions/);
  });
});
