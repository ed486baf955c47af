/** Backend selection: BERTKIT_BACKEND, the notice when the addon is missing, BERTKIT_THREADS checks. */
import { afterEach, describe, expect, it } from "vitest";
import { autoSelectBackend, loadNative } from "../../src/backend/native/index.js";
import { activeBackend, setBackend } from "../../src/backend/registry.js";

const initial = activeBackend();
afterEach(() => setBackend(initial));

describe("autoSelectBackend", () => {
  it("uses the reference backend, silently, when BERTKIT_BACKEND=reference", () => {
    const lines: string[] = [];
    const kernels = autoSelectBackend({ env: { BERTKIT_BACKEND: "reference" }, warn: (l) => lines.push(l) });
    expect(kernels.name).toBe("reference");
    expect(activeBackend()).toBe(kernels);
    expect(lines).toEqual([]);
  });

  it("falls back to the reference backend with one notice when the addon is missing", () => {
    const lines: string[] = [];
    const kernels = autoSelectBackend({ env: {}, addonPath: "/nonexistent/bertkit_native.node", warn: (l) => lines.push(l) });
    expect(kernels.name).toBe("reference");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^bertkit: native backend not built \(.+\); using the slower reference backend\. Run npm run build:native\.$/);
  });

  it("fails with the reason when BERTKIT_BACKEND=native cannot be honoured", () => {
    expect(() => autoSelectBackend({ env: { BERTKIT_BACKEND: "native" }, addonPath: "/nonexistent/bertkit_native.node" }))
      .toThrow(/BERTKIT_BACKEND=native, but the native backend is not available/);
  });

  it("rejects unknown BERTKIT_BACKEND values", () => {
    expect(() => autoSelectBackend({ env: { BERTKIT_BACKEND: "gpu" } })).toThrow(/BERTKIT_BACKEND must be/);
  });

  it.skipIf(!loadNative().ok)("activates the native backend when it is built", () => {
    const lines: string[] = [];
    const kernels = autoSelectBackend({ env: {}, warn: (l) => lines.push(l) });
    expect(kernels.name).toBe("native");
    expect(lines).toEqual([]);
  });
});
