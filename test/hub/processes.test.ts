/**
 * Two processes downloading the same model into one cache at once (the compiled client; build dist/ first with
 * `npx tsc -p tsconfig.build.json`): the lock lets one fetch each blob, the other waits and links it; both
 * finish with the same, correct snapshot.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeHub } from "./fake-hub.js";

const run = promisify(execFile);
const WEIGHTS = randomBytes(100_000);
let hub: FakeHub;

beforeAll(async () => {
  hub = await new FakeHub().start();
  hub.repos.set("org/shared", { commit: "a".repeat(40), refs: { main: "a".repeat(40) }, files: { "config.json": { bytes: Buffer.from("{}"), lfs: false }, "model.safetensors": { bytes: WEIGHTS, lfs: true } } });
  hub.delayMs = 300; // both processes reach the blob while the first is still downloading it
});
afterAll(() => hub.stop());

it("two processes, one cache: each blob fetched once, both snapshots complete", async () => {
  const cache = mkdtempSync(join(tmpdir(), "bertkit-hub-procs-"));
  const env = { ...process.env, HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache };
  const child = join(import.meta.dirname, "download-child.mjs");
  const [a, b] = await Promise.all([run(process.execPath, [child, "org/shared"], { env }), run(process.execPath, [child, "org/shared"], { env })]);
  expect(a.stdout).toBe(b.stdout);
  expect(readFileSync(join(a.stdout.trim(), "model.safetensors")).equals(WEIGHTS)).toBe(true);
  expect(hub.count("GET", "/cdn/")).toBe(1);
  expect(hub.count("GET", "/org/shared/resolve/")).toBe(1); // config.json, also once
}, 30_000);
