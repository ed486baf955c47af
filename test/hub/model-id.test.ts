/**
 * Every `--model` takes a hub id: `bertkit fill-mask --model org/tiny` fetches the model folder from the (stand-in)
 * hub into the shared cache and runs on it, with the same answer as on the folder itself.
 */
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { GOLDEN_TINY } from "../inference/pipelines/tiny-folder.js";
import { SHARED } from "../helpers/golden.js";
import { FakeHub } from "./fake-hub.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
let hub: FakeHub;

beforeAll(async () => {
  hub = await new FakeHub().start();
  const file = (path: string, lfs: boolean): { bytes: Buffer; lfs: boolean } => ({ bytes: readFileSync(path), lfs });
  hub.repos.set("org/tiny", {
    commit: COMMIT, refs: { main: COMMIT },
    files: {
      "config.json": file(join(GOLDEN_TINY, "config.json"), false),
      "model.safetensors": file(join(GOLDEN_TINY, "model.safetensors"), true),
      "vocab.txt": file(join(SHARED, "golden", "vocab-small.txt"), false),
    },
  });
});
afterAll(() => hub.stop());

async function fillMask(model: string): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  try {
    expect(await runCli(["fill-mask", "--model", model, "--json", "--top-k", "3", "the king [MASK] the crown"])).toBe(0);
  } finally {
    spy.mockRestore();
  }
  return out.join("");
}

it("fill-mask --model org/tiny downloads the folder and answers as the folder does", async () => {
  const cache = mkdtempSync(join(tmpdir(), "bertkit-hub-model-"));
  vi.stubEnv("HF_ENDPOINT", hub.url);
  vi.stubEnv("HF_HUB_CACHE", cache);
  vi.stubEnv("HF_HUB_OFFLINE", undefined);
  try {
    const viaHub = await fillMask("org/tiny");
    const snapshot = join(cache, "models--org--tiny", "snapshots", COMMIT);
    expect(JSON.parse(viaHub)).toEqual(JSON.parse(await fillMask(snapshot)));
    vi.stubEnv("HF_HUB_OFFLINE", "1"); // the second time it comes from the cache, with no hub
    expect(await fillMask("org/tiny")).toBe(viaHub);
  } finally {
    vi.unstubAllEnvs();
  }
});
