/**
 * Resume across processes, as a user meets it: a training process killed with SIGKILL (once inside a save,
 * once at an arbitrary moment) and one stopped with SIGINT are resumed, and the result equals a run that was
 * never stopped — same log losses, bit-identical weights. The children run test/train/fixtures/train-child.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toyRun, weights, type ToyRunOptions } from "./fixtures/toy.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CHILD = join(ROOT, "test", "train", "fixtures", "train-child.ts");
const VITE_NODE = join(ROOT, "node_modules", "vite-node", "vite-node.mjs");

const RUN: ToyRunOptions = { steps: 40, rows: 20, batchSize: 6, gradAccum: 2, dropout: 0.3, noisy: true, shuffle: true, seed: 9 };
const tmp = (): string => mkdtempSync(join(tmpdir(), "bertkit-process-"));
const logOf = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => {
    const { tokens_per_s: _t, ...rest } = JSON.parse(l) as Record<string, unknown>;
    return rest;
  });

interface Child {
  process: ChildProcess;
  /** Resolves when a stdout line matches. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startChild(options: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [VITE_NODE, CHILD, JSON.stringify(options)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const line of stdout.split("\n")) {
      for (const w of [...waiters]) {
        if (w.pattern.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    process: child,
    exited,
    waitFor: (pattern) => new Promise<string>((resolve, reject) => {
      waiters.push({ pattern, resolve });
      void exited.then((r) => reject(new Error(`child exited (${r.code ?? r.signal}) before printing ${pattern}:\n${r.stdout}\n${r.stderr}`)));
    }),
  };
}

async function baseline(): Promise<{ dir: string; w: Record<string, number[]> }> {
  const dir = tmp();
  const { model } = await toyRun({ ...RUN, outDir: dir, saveEvery: 10 });
  return { dir, w: weights(model) };
}

describe("resume across processes", () => {
  it("kill -9 inside a save and at an arbitrary moment, then resume: same losses, same weights", async () => {
    const base = await baseline();
    const dir = tmp();

    // 1. Killed while writing checkpoint-9: its model file is on disk, its marker is not.
    const a = startChild({ ...RUN, outDir: dir, saveEvery: 1, keep: 3, hangInSaveAt: 9 });
    await a.waitFor(/^hanging 9$/);
    a.process.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");
    expect(readdirSync(dir).filter((n) => n.startsWith("checkpoint-")).sort()).toEqual(
      ["checkpoint-6", "checkpoint-7", "checkpoint-8", expect.stringMatching(/^checkpoint-9\.tmp-\d+$/) as string],
    );

    // 2. Resumed from checkpoint-8, then killed at an arbitrary moment (saving every step: likely mid-save).
    const b = startChild({ ...RUN, outDir: dir, saveEvery: 1, keep: 3, resume: true });
    await b.waitFor(/^saved .*checkpoint-20$/);
    await new Promise((resolve) => setTimeout(resolve, 7));
    b.process.kill("SIGKILL");
    const bExit = await b.exited;
    expect(bExit.signal).toBe("SIGKILL");
    expect(bExit.stdout).toMatch(/^step 9$/m); // it redid step 9, the one whose save was killed

    // 3. Resumed here to the end.
    const resumed = await toyRun({ ...RUN, outDir: dir, saveEvery: 1, keep: 3, resume: true });
    expect(resumed.result.resumedFrom).toMatch(/checkpoint-(2\d|3\d)$/);
    expect(logOf(dir)).toEqual(logOf(base.dir));
    expect(weights(resumed.model)).toEqual(base.w);
    expect(readFileSync(join(dir, "checkpoint-40", "optimizer.safetensors")).equals(readFileSync(join(base.dir, "checkpoint-40", "optimizer.safetensors")))).toBe(true);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-") || n.includes(".del-"))).toEqual([]);
  });

  it("SIGINT finishes the step, saves, exits 130; resuming continues exactly", async () => {
    const base = await baseline();
    const dir = tmp();
    const child = startChild({ ...RUN, outDir: dir, saveEvery: 10, stepDelayMs: 15 });
    await child.waitFor(/^step 13$/);
    child.process.kill("SIGINT");
    const exit = await child.exited;
    expect(exit.code, exit.stderr).toBe(130);
    const result = JSON.parse(/^result (.*)$/m.exec(exit.stdout)?.[1] ?? "null") as { step: number; interrupted: string; checkpoint: string };
    expect(result.interrupted).toBe("SIGINT");
    expect(result.step).toBeGreaterThanOrEqual(13);
    expect(result.step).toBeLessThan(40);
    expect(result.checkpoint).toBe(join(dir, `checkpoint-${result.step}`));
    expect(existsSync(join(dir, `checkpoint-${result.step}`, "trainer_state.json"))).toBe(true);
    const resumed = await toyRun({ ...RUN, outDir: dir, saveEvery: 10, resume: true });
    expect(resumed.result.resumedFrom).toBe(result.checkpoint);
    expect(logOf(dir)).toEqual(logOf(base.dir));
    expect(weights(resumed.model)).toEqual(base.w);
  });
});
