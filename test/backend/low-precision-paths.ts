/**
 * The native int8 and bf16 GEMMs choose their kernel once per process (BERTKIT_INT8, BERTKIT_BF16: "avx512"
 * without VNNI/BF16 instructions, "portable" plain C++). To test every kernel on one machine, `runInChild` runs
 * a list of products in a child Node process with that variable set, through the addon's own functions, and
 * returns its outputs and the kernel it reports (`int8Path` / `bf16Path`: 0 the best, 1 avx512, 2 portable).
 */
import { spawnSync } from "node:child_process";
import { defaultAddonPath } from "../../src/backend/native/addon.js";

export interface ChildCase {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  /** int8: the Int8Weight's values; bf16: the weight's bits. */
  w: Int8Array | Uint16Array;
  /** int8 only. */
  scales: Float32Array | null;
  bias: Float32Array | null;
  /** A UNARY_CODES value. */
  activation: number;
}

export interface ChildResult {
  path: number;
  outputs: Float32Array[];
}

const b64 = (x: ArrayBufferView): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("base64");

// Runs in the child (an ES module given to node -e): reads the cases from stdin, writes the outputs to stdout.
const CHILD = `
import { createRequire } from "node:module";
const [addonPath, kind] = process.argv.slice(1);
const addon = createRequire(process.cwd() + "/")(addonPath);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString());
const typed = (s, T) => new T(new Uint8Array(Buffer.from(s, "base64")).buffer);
const outputs = cases.map((c) => {
  const out = new Float32Array(c.m * c.n);
  const a = typed(c.a, Float32Array);
  const bias = c.bias === null ? null : typed(c.bias, Float32Array);
  if (kind === "int8") {
    const packed = new Uint8Array(addon.int8PackedLength(c.k, c.n));
    const sums = new Int32Array(c.n);
    addon.packInt8(typed(c.w, Int8Array), c.n, c.k, packed, sums);
    addon.gemmInt8(c.m, c.n, c.k, a, packed, typed(c.scales, Float32Array), sums, bias, c.activation, out);
  } else {
    const packed = new Uint16Array(addon.bf16PackedLength(c.k, c.n));
    addon.packBf16(typed(c.w, Uint16Array), c.n, c.k, packed);
    addon.gemmBf16(c.m, c.n, c.k, a, packed, bias, c.activation, out);
  }
  return Buffer.from(out.buffer).toString("base64");
});
process.stdout.write(JSON.stringify({ path: kind === "int8" ? addon.int8Path() : addon.bf16Path(), outputs }));
`;

export function runInChild(kind: "int8" | "bf16", env: Record<string, string>, cases: readonly ChildCase[]): ChildResult {
  const input = JSON.stringify(cases.map((c) => ({
    m: c.m, n: c.n, k: c.k, a: b64(c.a), w: b64(c.w), scales: c.scales === null ? null : b64(c.scales),
    bias: c.bias === null ? null : b64(c.bias), activation: c.activation,
  })));
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", CHILD, defaultAddonPath(), kind], {
    input, env: { ...process.env, ...env }, maxBuffer: 1 << 28,
  });
  if (child.status !== 0) throw new Error(`child process failed (${child.status}): ${child.stderr.toString()}`);
  const parsed: unknown = JSON.parse(child.stdout.toString());
  if (!isChildOutput(parsed)) throw new Error(`child process wrote unexpected output: ${child.stdout.toString().slice(0, 200)}`);
  return {
    path: parsed.path,
    outputs: parsed.outputs.map((s) => {
      const bytes = new Uint8Array(Buffer.from(s, "base64"));
      return new Float32Array(bytes.buffer);
    }),
  };
}

function isChildOutput(x: unknown): x is { path: number; outputs: string[] } {
  if (typeof x !== "object" || x === null || !("path" in x) || !("outputs" in x)) return false;
  return typeof x.path === "number" && Array.isArray(x.outputs) && x.outputs.every((s) => typeof s === "string");
}
