/**
 * `bertkit download` in-process (registerDownload on a fresh program, the CLI's error style): prints the
 * snapshot folder; errors are one line naming what to do (HF_TOKEN, --include, HF_HUB_OFFLINE).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { registerDownload } from "../../src/cli/commands/download.js";
import { runCommand } from "../cli/in-process.js";
import { FakeHub } from "./fake-hub.js";

const COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
let hub: FakeHub;
let cache: string;

beforeAll(async () => {
  hub = await new FakeHub().start();
  hub.repos.set("org/cli", { commit: COMMIT, refs: { main: COMMIT }, files: { "config.json": { bytes: Buffer.from("{}"), lfs: false }, "model.safetensors": { bytes: Buffer.from("weights"), lfs: true } } });
  hub.repos.set("org/secret", { commit: COMMIT, refs: { main: COMMIT }, token: "t", files: { "config.json": { bytes: Buffer.from("{}"), lfs: false } } });
});
afterAll(() => hub.stop());
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), "bertkit-hub-cli-"));
  vi.stubEnv("HF_ENDPOINT", hub.url);
  vi.stubEnv("HF_HUB_CACHE", cache);
  vi.stubEnv("HF_TOKEN", undefined);
  vi.stubEnv("HF_HUB_OFFLINE", undefined);
  return () => vi.unstubAllEnvs();
});

it("prints the snapshot folder, which holds the files", async () => {
  const r = await runCommand(registerDownload, ["download", "org/cli", "--include", "*.json", "--include", "*.safetensors"]);
  expect(r.code).toBe(0);
  const dir = join(cache, "models--org--cli", "snapshots", COMMIT);
  expect(r.stdout).toBe(`${dir}\n`);
  expect(readFileSync(join(dir, "model.safetensors"), "utf8")).toBe("weights");
});

it.each([
  [["download", "org/secret"], /^bertkit: org\/secret: the hub answered 401: .* set HF_TOKEN/],
  [["download", "org/cli", "--include", "*.bin"], /no file matches --include \*\.bin/],
  [["download", "org/cli", "--revision", "v9"], /no revision "v9"/],
])("%j fails with one line", async (argv, pattern) => {
  const r = await runCommand(registerDownload, argv);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^bertkit: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
});

it("offline with nothing cached says so", async () => {
  vi.stubEnv("HF_HUB_OFFLINE", "1");
  const r = await runCommand(registerDownload, ["download", "org/cli"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^bertkit: org\/cli \(revision main\) is not in the cache .* HF_HUB_OFFLINE is set/);
});
