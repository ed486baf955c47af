/** configure(): explicit backend and threads, environment defaults validated, the fallback notice, no import-time choice. */
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { configuration, configure, parkComputeThreads } from "../../src/backend/configure.js";
import { loadNative } from "../../src/backend/native/index.js";
import { activeBackend, setBackend } from "../../src/backend/registry.js";
import { matmul } from "../../src/tensor/ops/matmul.js";
import { tensor } from "../../src/tensor/tensor.js";

const initial = activeBackend();
const nativeBuilt = loadNative().ok;
afterEach(() => setBackend(initial));

describe("configure", () => {
  it("uses the reference backend, silently, when asked (option or BERTKIT_BACKEND=reference)", () => {
    const lines: string[] = [];
    expect(configure({ backend: "reference" }, { env: {}, warn: (l) => lines.push(l) })).toEqual({ backend: "reference", threads: 1 });
    expect(activeBackend().name).toBe("reference");
    expect(configure({}, { env: { BERTKIT_BACKEND: "reference" }, warn: (l) => lines.push(l) }).backend).toBe("reference");
    expect(lines).toEqual([]);
  });

  it("falls back to the reference backend with one notice that says how to build the addon", () => {
    const lines: string[] = [];
    const c = configure({}, { env: {}, addonPath: "/nonexistent/bertkit_native.node", warn: (l) => lines.push(l) });
    expect(c.backend).toBe("reference");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bertkit: native backend not built \(.+\); using the slower reference backend\. To build it, run `npm rebuild bertkit`/);
  });

  it("fails with the reason when the native backend is asked for and missing", () => {
    expect(() => configure({ backend: "native" }, { env: {}, addonPath: "/nonexistent/bertkit_native.node" }))
      .toThrow(/the native backend was asked for but is not available \(.+\); run `npm rebuild bertkit`/);
  });

  it("rejects bad environment values and bad options with one-line messages", () => {
    expect(() => configure({}, { env: { BERTKIT_BACKEND: "gpu" } })).toThrow(/^BERTKIT_BACKEND must be one of auto, native, reference, got "gpu"; unset it for auto$/);
    expect(() => configure({}, { env: { BERTKIT_THREADS: "abc" } })).toThrow(/^BERTKIT_THREADS must be an integer from 1 to 1024, got "abc"; unset it to use all cores$/);
    expect(() => configure({ threads: 0 }, { env: {} })).toThrow(/^configure: threads must be an integer from 1 to 1024, got 0$/);
    // An explicit option wins over a bad environment value for the same setting.
    expect(configure({ backend: "reference" }, { env: { BERTKIT_BACKEND: "gpu" } }).backend).toBe("reference");
  });

  it.skipIf(!nativeBuilt)("sets and restores the native thread count, and configure() resets to the defaults", () => {
    const before = configure({ backend: "native" }, { env: {} });
    expect(before.threads).toBeGreaterThanOrEqual(1);
    expect(configure({ threads: 1 }, { env: {} })).toEqual({ backend: "native", threads: 1 });
    expect(configuration()).toEqual({ backend: "native", threads: 1 });
    expect(configure({}, { env: { BERTKIT_THREADS: "1" } }).threads).toBe(1);
    expect(configure({}, { env: {} })).toEqual(before);
  });
});

describe("parkComputeThreads", () => {
  it.skipIf(!nativeBuilt)("lets idle compute threads sleep; the next kernel wakes them and computes the same", () => {
    configure({ backend: "native", threads: 2 });
    // Large enough to be split over both threads: (96, 256) · (256, 256).
    const a = tensor(Float32Array.from({ length: 96 * 256 }, (_, i) => Math.sin(i)), [96, 256]);
    const b = tensor(Float32Array.from({ length: 256 * 256 }, (_, i) => Math.cos(i)), [256, 256]);
    const before = matmul(a, b).floats("test");
    for (let i = 0; i < 20; i++) {
      parkComputeThreads();
      expect(matmul(a, b).floats("test")).toEqual(before);
    }
    configure();
  });

  it("is a no-op on the reference backend", () => {
    configure({ backend: "reference" });
    expect(() => parkComputeThreads()).not.toThrow();
    configure();
  });
});

describe("importing bertkit", () => {
  const probe = (env: Record<string, string>): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, ["--input-type=module", "-e", "await import('./dist/src/index.js'); console.log('imported');"], {
      encoding: "utf8", env: { ...process.env, ...env },
    });

  it("never throws, even with bad BERTKIT_* variables; the first computation says what is wrong", () => {
    const r = probe({ BERTKIT_BACKEND: "bogus", BERTKIT_THREADS: "abc" });
    expect(r.status).toBe(0);
    expect(String(r.stdout).trim()).toBe("imported");
    const compute = spawnSync(process.execPath, ["--input-type=module", "-e",
      "const b = await import('./dist/src/index.js'); try { b.add(b.tensor([1, 2], [2]), b.tensor([1, 2], [2])); } catch (e) { console.log(e.name + ': ' + e.message); }"],
    { encoding: "utf8", env: { ...process.env, BERTKIT_BACKEND: "bogus" } });
    expect(compute.stdout.trim()).toBe('InputError: BERTKIT_BACKEND must be one of auto, native, reference, got "bogus"; unset it for auto');
  });

  it.skipIf(!nativeBuilt)("resolves the defaults on first use even when only an op module is imported (no index)", () => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", [
      "const { add } = await import('./dist/src/tensor/ops/binary.js');",
      "const { tensor } = await import('./dist/src/tensor/tensor.js');",
      "const { activeBackend } = await import('./dist/src/backend/registry.js');",
      "add(tensor([1], [1]), tensor([2], [1]));",
      "console.log(activeBackend().name);",
    ].join(" ")], { encoding: "utf8", env: { ...process.env, BERTKIT_BACKEND: "" } });
    expect(r.stdout.trim()).toBe("native");
  });
});
