/**
 * runCli called from a program: `--threads` applies to that run only. The program's configuration (backend and
 * threads) and process.env are as they were afterwards, whether the command succeeds or fails.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { configuration, configure, type ConfigureOptions } from "../../src/backend/configure.js";
import { runCli } from "../../src/cli/main.js";
import { MINI } from "./run-bin.js";

// Calls go through to the real configure(); the spy records what runCli asked for.
const calls = vi.hoisted(() => [] as ConfigureOptions[]);
vi.mock("../../src/backend/configure.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/backend/configure.js")>();
  return {
    ...real,
    configure: (options: ConfigureOptions = {}, ...rest: unknown[]) => {
      calls.push({ ...options });
      return real.configure(options, ...(rest as []));
    },
  };
});

async function quietly(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { code: await runCli(args), out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

const BENCH = ["bench", "forward", "--config", "tiny", "--batch", "1", "--seq", "8", "--seconds", "0.01", "--json"];

describe("runCli --threads from a program", () => {
  afterEach(() => {
    calls.length = 0;
  });

  it("runs with the threads asked for, then restores the program's configuration and leaves process.env alone", async () => {
    const before = configure({ threads: 2 });
    const env = { ...process.env };
    calls.length = 0;
    const r = await quietly([...BENCH, "--threads", "1"]);
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.out) as object).sort()).toEqual(["peak_rss_mib", "seq_per_s", "tokens_per_s"]);
    // The run used 1 thread on the program's backend, then put back exactly what was in effect.
    expect(calls).toEqual([{ backend: before.backend, threads: 1 }, before]);
    expect(configuration()).toEqual(before);
    expect(process.env).toEqual(env);
  });

  it("restores the configuration when the command fails", async () => {
    const before = configure({ backend: "reference" });
    const r = await quietly(["bench", "forward", "--config", "/nonexistent/model", "--threads", "1"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bertkit: --config \/nonexistent\/model: not a preset/);
    expect(configuration()).toEqual(before);
  });

  it("a command without --threads does not touch the configuration", async () => {
    const before = configure({ threads: 1 });
    calls.length = 0;
    const r = await quietly(["tokenize", "--vocab", `${MINI}/vocab.txt`, "hello"]);
    expect(r.code).toBe(0);
    expect(calls).toEqual([]);
    expect(configuration()).toEqual(before);
  });
});
