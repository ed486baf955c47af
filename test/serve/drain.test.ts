/**
 * SIGTERM drains a real `bertkit serve` process (the compiled command; build dist/ first with
 * `npx tsc -p tsconfig.build.json`): requests already received are answered 200, new connections are
 * refused, and the process exits 0; standard output is one JSON log line per request.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { goldenFolder } from "./fixtures.js";

it("SIGTERM: in-flight requests finish, then exit 0", async () => {
  const child = spawn(process.execPath, [join(import.meta.dirname, "serve-child.mjs"), goldenFolder("seqcls-3"), "500"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      const m = /LISTENING (\S+)/.exec(stderr);
      if (m !== null) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // The server waits up to 500 ms to batch, so these are still queued when the signal arrives.
  const inFlight = ["one", "two", "three"].map((t) => fetch(`${url}/embed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: t }) }));
  await new Promise((r) => setTimeout(r, 150));
  child.kill("SIGTERM");
  const answers = await Promise.all(inFlight);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  for (const a of answers) expect(((await a.json()) as number[][])[0].length).toBe(64);
  expect(await exited).toBe(0);
  expect(stderr).toContain("DRAINED");
  await expect(fetch(`${url}/health`)).rejects.toThrow();
  const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as { msg: string; status?: number; url?: string });
  expect(lines.filter((l) => l.msg === "request").map((l) => [l.url, l.status])).toEqual([["/embed", 200], ["/embed", 200], ["/embed", 200]]);
  expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["listening", "draining"]));
}, 30_000);
