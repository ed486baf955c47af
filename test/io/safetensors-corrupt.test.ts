import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FormatError, InputError } from "../../src/errors.js";
import { parseSafetensors, readSafetensors, readSafetensorsHeader, serializeSafetensors } from "../../src/io/safetensors.js";
import { buildSafetensors, entry, littleEndian } from "./safetensors-bytes.js";

const SOURCE = "corrupt.safetensors";

/** Parses `bytes` and returns the FormatError it must throw, after checking it names the source. */
function formatErrorOf(bytes: Uint8Array): FormatError {
  let caught: unknown;
  try {
    parseSafetensors(bytes, SOURCE);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FormatError);
  const error = caught as FormatError;
  expect(error.message.startsWith(`${SOURCE}: `)).toBe(true);
  return error;
}

const eightBytes = littleEndian("f32", [1, 2]);

describe("truncated or oversized header length", () => {
  it.each([0, 1, 7])("a %i-byte file", (length) => {
    expect(formatErrorOf(new Uint8Array(length)).message).toContain(`the file is ${length} bytes, shorter than the 8-byte header length`);
  });

  it("a header length past the end of the file", () => {
    const bytes = buildSafetensors({}, [], 50n);
    expect(formatErrorOf(bytes).message).toContain("the header length is 50 bytes but only 2 bytes follow it");
  });

  it.each([100_000_001n, 2n ** 63n, 2n ** 64n - 1n])("an absurd header length %s, without allocating it", (length) => {
    expect(formatErrorOf(buildSafetensors({}, [], length)).message).toContain("more than the 100000000-byte limit");
  });
});

describe("header that is not a JSON object", () => {
  it("invalid UTF-8", () => {
    const bytes = buildSafetensors("{}  ");
    bytes[9] = 0xff;
    expect(formatErrorOf(bytes).message).toContain("the header is not valid UTF-8");
  });

  it.each(['{"a": ', "", "{} junk", '{"a":1}\0\0'])("invalid JSON %j", (header) => {
    expect(formatErrorOf(buildSafetensors(header)).message).toContain("the header is not valid JSON");
  });

  it.each([
    ["[]", "an array"],
    ['"x"', "a string"],
    ["null", "null"],
    ["42", "a number"],
  ])("%s", (header, described) => {
    expect(formatErrorOf(buildSafetensors(header)).message).toContain(`the header is JSON ${described}, not an object`);
  });

  it("metadata that is not an object of strings", () => {
    expect(formatErrorOf(buildSafetensors({ __metadata__: [] })).message).toContain('"__metadata__" is JSON an array');
    expect(formatErrorOf(buildSafetensors({ __metadata__: { epochs: 3 } })).message).toContain('"__metadata__" entry "epochs" is JSON a number, not a string');
  });
});

describe("malformed tensor entry", () => {
  const cases: [string, unknown, string][] = [
    ["entry not an object", 7, "the header entry is JSON a number, not an object"],
    ["entry an array", [], "the header entry is JSON an array"],
    ["dtype missing", { shape: [2], data_offsets: [0, 8] }, '"dtype" is missing, not a string'],
    ["dtype a number", { dtype: 4, shape: [2], data_offsets: [0, 8] }, '"dtype" is a number, not a string'],
    ["shape missing", { dtype: "F32", data_offsets: [0, 8] }, '"shape" is missing, not an array of non-negative integers'],
    ["shape not an array", { dtype: "F32", shape: 2, data_offsets: [0, 8] }, '"shape" is 2, not an array'],
    ["negative dim", entry("F32", [-2], 0, 8), '"shape" is [-2], not an array of non-negative integers'],
    ["fractional dim", entry("F32", [1.5], 0, 8), '"shape" is [1.5]'],
    ["string dim", { dtype: "F32", shape: ["2"], data_offsets: [0, 8] }, '"shape" is ["2"]'],
    ["data_offsets missing", { dtype: "F32", shape: [2] }, '"data_offsets" is missing, not a pair [begin, end]'],
    ["data_offsets of 3", { dtype: "F32", shape: [2], data_offsets: [0, 4, 8] }, '"data_offsets" is [0,4,8], not a pair'],
    ["negative offset", entry("F32", [2], -8, 0), '"data_offsets" is [-8,0]'],
    ["fractional offset", entry("F32", [2], 0, 7.5), '"data_offsets" is [0,7.5]'],
    ["unknown dtype", entry("F128", [2], 0, 8), 'unknown dtype "F128"'],
    ["end past the buffer", entry("F32", [4], 0, 16), "data_offsets [0, 16] end past the data buffer, which is 8 bytes"],
    ["begin after end", entry("F32", [0], 8, 0), "data_offsets [8, 0] begin after their end"],
    ["byte length ≠ shape × dtype size", entry("F32", [3], 0, 8), "data_offsets [0, 8] span 8 bytes but shape [3] of F32 needs 12"],
    ["byte length for a wider dtype", entry("F64", [2], 0, 8), "data_offsets [0, 8] span 8 bytes but shape [2] of F64 needs 16"],
    ["too many elements", entry("F32", [2 ** 40, 2 ** 40], 0, 8), "shape [1099511627776, 1099511627776] has too many elements"],
    ["sub-byte dtype not a whole byte", entry("F4", [3], 0, 8), "shape [3] of F4 is not a whole number of bytes"],
  ];
  it.each(cases)("%s", (_label, value, problem) => {
    const message = formatErrorOf(buildSafetensors({ weight: value }, eightBytes)).message;
    expect(message).toContain(`tensor "weight": ${problem}`);
    expect(message).toContain("re-download or re-export it");
  });

  it("shows a long shape, a long name and a long dtype shortened", () => {
    const badShape = formatErrorOf(buildSafetensors({ w: entry("F32", new Array<number>(1000).fill(-1), 0, 8) }, eightBytes)).message;
    expect(badShape).toContain('"shape" is [-1,-1,-1,-1,-1,-1,-1,-1,...]');
    const validLongShape = formatErrorOf(buildSafetensors({ w: entry("F32", new Array<number>(1000).fill(1), 0, 8) }, eightBytes)).message;
    expect(validLongShape).toContain("shape [1, 1, 1, 1, 1, 1, 1, 1, ... (1000 dims)] of F32 needs 4");
    const longName = formatErrorOf(buildSafetensors({ ["n".repeat(100_000)]: entry("F32", [3], 0, 8) }, eightBytes)).message;
    expect(longName.length).toBeLessThan(500);
    const longDtype = formatErrorOf(buildSafetensors({ w: entry("X".repeat(100_000), [2], 0, 8) }, eightBytes)).message;
    expect(longDtype.length).toBeLessThan(1000);
  });

  it("a deeply nested shape does not overflow the stack", () => {
    const depth = 200_000;
    const header = `{"w":{"dtype":"F32","shape":${"[".repeat(depth)}${"]".repeat(depth)},"data_offsets":[0,8]}}`;
    expect(formatErrorOf(buildSafetensors(header, eightBytes)).message).toContain('"shape" is [[...]], not an array of non-negative integers');
  });
});

describe("tensors that do not tile the data buffer", () => {
  it("overlapping tensors", () => {
    const bytes = buildSafetensors({ a: entry("F32", [2], 0, 8), b: entry("F32", [2], 4, 12) }, new Array<number>(12).fill(0));
    expect(formatErrorOf(bytes).message).toContain('tensor "b": data_offsets [4, 12] overlap tensor "a" at [0, 8]');
  });

  it("two tensors on the same bytes", () => {
    const bytes = buildSafetensors({ a: entry("F32", [2], 0, 8), b: entry("I32", [2], 0, 8) }, eightBytes);
    expect(formatErrorOf(bytes).message).toContain("overlap tensor");
  });

  it("a gap between tensors", () => {
    const bytes = buildSafetensors({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 8, 12) }, new Array<number>(12).fill(0));
    expect(formatErrorOf(bytes).message).toContain('tensor "b": bytes 4..8 after tensor "a" belong to no tensor');
  });

  it("a gap at the start", () => {
    const bytes = buildSafetensors({ a: entry("F32", [1], 4, 8) }, eightBytes);
    expect(formatErrorOf(bytes).message).toContain('tensor "a": bytes 0..4 at the start of the data buffer belong to no tensor');
  });

  it("bytes after the last tensor", () => {
    const bytes = buildSafetensors({ a: entry("F32", [1], 0, 4) }, eightBytes);
    expect(formatErrorOf(bytes).message).toContain("the tensors cover 4 bytes of the 8-byte data buffer; 4 bytes at the end belong to no tensor");
  });

  it("data but no tensors", () => {
    expect(formatErrorOf(buildSafetensors({}, [1, 2, 3])).message).toContain("the tensors cover 0 bytes of the 3-byte data buffer");
  });

  it("accepts zero-size tensors anywhere, including at the same offset as another tensor", () => {
    const bytes = buildSafetensors(
      { a: entry("F32", [1], 0, 4), empty: entry("F32", [0, 3], 4, 4), b: entry("F32", [1], 4, 8), alsoEmpty: entry("I64", [0], 8, 8) },
      eightBytes,
    );
    expect([...parseSafetensors(bytes, SOURCE).tensors.keys()]).toEqual(["a", "alsoEmpty", "b", "empty"]);
  });
});

describe("any damage gives a FormatError, never another error", () => {
  const valid = serializeSafetensors(
    { "layer.weight": { dtype: "float32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }, ids: { dtype: "int32", shape: [3], data: new Int32Array([7, 8, 9]) } },
    { format: "pt" },
  );

  it("every truncation", () => {
    for (let length = 0; length < valid.length; length++) formatErrorOf(valid.subarray(0, length));
  });

  it("random byte changes in the prefix and header", () => {
    let seed = 12345; // deterministic LCG so a failure can be replayed
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const headerEnd = 8 + Number(new DataView(valid.buffer).getBigUint64(0, true));
    for (let trial = 0; trial < 2000; trial++) {
      const damaged = valid.slice();
      damaged[random(headerEnd)] = random(256);
      try {
        parseSafetensors(damaged, SOURCE); // some changes (e.g. in a name) leave a valid file
      } catch (error) {
        if (!(error instanceof FormatError)) expect.fail(`trial ${trial}: ${String(error)}`);
      }
    }
  });
});

describe("errors from files on disk", () => {
  const directory = mkdtempSync(join(tmpdir(), "bertkit-corrupt-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("name the path, for both readers", () => {
    const path = join(directory, "bad.safetensors");
    writeFileSync(path, buildSafetensors({ w: entry("F32", [3], 0, 8) }, eightBytes));
    expect(() => readSafetensors(path)).toThrow(new FormatError(`${path}: tensor "w": data_offsets [0, 8] span 8 bytes but shape [3] of F32 needs 12. The file is corrupt, truncated or not a safetensors file; re-download or re-export it.`));
    expect(() => readSafetensorsHeader(path)).toThrow(`${path}: tensor "w": data_offsets [0, 8] span 8 bytes`);
  });

  it("a missing file or a directory is an InputError naming the path", () => {
    const missing = join(directory, "missing.safetensors");
    expect(() => readSafetensors(missing)).toThrow(InputError);
    expect(() => readSafetensors(missing)).toThrow(`cannot open ${missing} for reading: ENOENT`);
    expect(() => readSafetensorsHeader(directory)).toThrow(`${directory}: not a regular file`);
  });
});
