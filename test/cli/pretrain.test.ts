/**
 * `bertkit pretrain` as a user runs it: Hugging Face's golden trajectory from the train-start shard, exact resume
 * after SIGKILL and after Ctrl-C (dropout and shuffling on), and one-line errors.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../src/io/safetensors.js";
import { GOLDEN_MODELS } from "../helpers/golden.js";
import { BIN, expectOneLineError, runBin, tmp } from "./run-bin.js";

const START = join(GOLDEN_MODELS, "train-start");
const SHARD = join(START, "shard.safetensors");

type LogLine = Record<string, number | boolean>;

function logOf(dir: string): LogLine[] {
  return readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as LogLine);
}

/** The log without its timing column, which differs run to run. */
function timeless(lines: LogLine[]): LogLine[] {
  return lines.map(({ tokens_per_s: _t, ...rest }) => rest);
}

/** A run with dropout and shuffling, saving every 2 steps: 14 steps over 18 rows of batch 2 cross an epoch. */
function resumable(out: string, extra: string[] = []): string[] {
  return [
    "pretrain", "--data", SHARD, "--init", START, "--out", out, "--batch-size", "2", "--steps", "14", "--lr", "1e-3",
    "--warmup", "2", "--dropout", "0.1", "--seed", "5", "--save-every", "2", "--keep", "2", ...extra,
  ];
}

/** Starts a run and sends `signal` once `checkpoint-<after>` exists; resolves with the exit code and stderr. */
function interruptAfter(args: string[], out: string, after: number, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => {
      if (existsSync(join(out, `checkpoint-${after}`))) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 5);
    child.on("exit", (code) => {
      clearInterval(timer);
      resolve({ code, stderr });
    });
  });
}

describe("bertkit pretrain", () => {
  it("replays Hugging Face's golden six steps from the train-start shard (losses and final parameters)", () => {
    const out = tmp("bertkit-pretrain-");
    const r = runBin(["pretrain", "--data", SHARD, "--init", START, "--out", out, "--batch-size", "3", "--no-shuffle", "--steps", "6", "--lr", "1e-3", "--warmup", "2"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trained 6 steps, loss \d/);
    const golden = JSON.parse(readFileSync(join(START, "golden_trajectory.json"), "utf8")) as Record<string, number[]>;
    logOf(out).forEach((l, i) => {
      expect(Math.abs(Number(l.loss) - golden.losses[i]) / golden.losses[i]).toBeLessThan(1e-4);
      expect(Math.abs(Number(l.mlm_loss) - golden.mlm_losses[i]) / golden.mlm_losses[i]).toBeLessThan(1e-4);
      expect(Math.abs(Number(l.grad_norm) - golden.grad_norms_before_clip[i])).toBeLessThan(1e-4);
    });
    const after = readSafetensors(join(START, "golden_params_after.safetensors")).tensors;
    const ours = readSafetensors(join(out, "model.safetensors")).tensors;
    let worst = 0;
    for (const [name, want] of after) {
      const got = ours.get(name) ?? (name === "cls.predictions.decoder.weight" ? ours.get("bert.embeddings.word_embeddings.weight") : undefined);
      if (got === undefined) throw new Error(`${name} not in the saved model`);
      for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]));
    }
    console.log(`pretrain golden: worst parameter difference after 6 steps ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
    expect(readFileSync(join(out, "training.svg"), "utf8")).toMatch(/^<svg/);
    expect(readdirSync(out)).toContain("checkpoint-6");
  }, 60_000);

  it("resumes after SIGKILL and after Ctrl-C exactly: same log, same final weights as an uninterrupted run", async () => {
    const whole = tmp("bertkit-pretrain-whole-");
    expect(runBin(resumable(whole)).code).toBe(0);

    const killed = tmp("bertkit-pretrain-killed-");
    const k = await interruptAfter(resumable(killed), killed, 6, "SIGKILL");
    expect(k.code).toBe(null); // died by the signal
    const afterKill = runBin(resumable(killed, ["--resume"]));
    expect(afterKill.code).toBe(0);

    const stopped = tmp("bertkit-pretrain-sigint-");
    const s = await interruptAfter(resumable(stopped), stopped, 4, "SIGINT");
    expect(s.code).toBe(130);
    expect(s.stderr).toMatch(/^bertkit: stopped by SIGINT at step \d+, loss [\d.]+; saved .*checkpoint-\d+\. Continue with --resume\.\n$/);
    expect(runBin(resumable(stopped, ["--resume"])).code).toBe(0);

    const expected = readFileSync(join(whole, "model.safetensors"));
    for (const dir of [killed, stopped]) {
      expect(timeless(logOf(dir))).toEqual(timeless(logOf(whole)));
      expect(readFileSync(join(dir, "model.safetensors")).equals(expected)).toBe(true);
      expect(readdirSync(dir).filter((f) => f.startsWith("checkpoint-")).sort()).toEqual(["checkpoint-12", "checkpoint-14"]);
    }
  }, 120_000);

  it("says in one line what is wrong with the command or the data", () => {
    const out = tmp("bertkit-pretrain-bad-");
    expectOneLineError(runBin(["pretrain", "--data", SHARD, "--out", out, "--steps", "2"]), 1, /give either --config PRESET\|config\.json \(random weights\) or --init DIR/);
    expectOneLineError(runBin(["pretrain", "--data", SHARD, "--init", START, "--out", out, "--steps", "2", "--batch-size", "50"]), 1,
      /batch size 50 is larger than the training data \(18 rows\)/);
    expectOneLineError(runBin(["pretrain", "--data", SHARD, "--config", "tiny", "--out", out, "--steps", "2"]), 1, /--config needs --vocab/);
    expectOneLineError(runBin(["pretrain", "--data", SHARD, "--init", START, "--out", out]), 2, /missing required option --steps <n>/);
    expectOneLineError(runBin(["pretrain", "--data", SHARD, "--init", START, "--out", out, "--steps", "2", "--betas", "0.9"]), 2, /--betas <b1,b2>' argument '0\.9' is invalid/);
  }, 60_000);
});
