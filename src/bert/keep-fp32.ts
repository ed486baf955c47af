/**
 * Which Linear layers of an int8/bf16 model stay float32: `keepFp32` patterns matched against the layers' paths as
 * `linearLayers` names them ("bert.encoder.layer.3.output.dense", "classifier").
 *
 * A pattern is a path, segment by segment (split at "."): `*` stands for any part of one segment and never
 * crosses a dot ("bert.encoder.layer.*.output.dense", "bert.encoder.layer.1*.output.dense" = layers 1, 10–19);
 * `**`, as a whole segment, stands for one or more segments ("**.output.dense"). A pattern that matches a module
 * keeps every Linear layer inside it: "bert.encoder.layer.11" and "bert.encoder.layer.11.*" both keep layer 11's
 * six, "bert.encoder.layer.*.attention" the attention of every layer. A pattern matches a path with or without its
 * leading "bert." (as checkpoints of a base model and of a head model name the encoder), so one list serves every
 * model class.
 */
import { InputError } from "../errors.js";

/** `pattern` as an anchored regular expression over a dotted path. */
export function keepPatternRegExp(pattern: string): RegExp {
  if (pattern.trim() === "") throw new InputError("keep-fp32 pattern is empty; give a Linear layer's path, e.g. bert.encoder.layer.3.output.dense");
  const segments = pattern.split(".").map((segment) => {
    if (segment === "**") return "[^.]+(?:\\.[^.]+)*";
    if (segment.includes("**")) throw new InputError(`keep-fp32 pattern "${pattern}": "**" stands for whole segments only, as in "bert.encoder.**"; use "*" within a segment`);
    return segment.split("*").map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, "\\$&")).join("[^.]*");
  });
  return new RegExp(`^${segments.join("\\.")}$`);
}

/** `path` and the paths of the modules that contain it: a.b.c, a.b, a. */
function selfAndAncestors(path: string): string[] {
  const segments = path.split(".");
  return segments.map((_, i) => segments.slice(0, segments.length - i).join("."));
}

/** The other spelling of `path`: without its "bert." prefix, or with one added when the model has none. */
function alternateSpelling(path: string, modelHasBertPrefix: boolean): string | null {
  if (modelHasBertPrefix) return path.startsWith("bert.") ? path.slice("bert.".length) : null;
  return `bert.${path}`;
}

/**
 * Real paths for an error message: the first transformer layer's Linear layers in full, the other layers
 * summarised, then the pooler and heads.
 */
function describePaths(paths: readonly string[]): string {
  const index = (p: string): number | null => {
    const m = /\.layer\.(\d+)\./.exec(p);
    return m === null ? null : Number(m[1]);
  };
  const indices = [...new Set(paths.map(index).filter((i): i is number => i !== null))];
  if (indices.length <= 1) return paths.join(", ");
  const [first, ...others] = indices;
  const consecutive = others.every((i, j) => j === 0 || i === others[j - 1] + 1);
  const layers = others.length === 1 ? `layer ${others[0]}` : consecutive ? `layers ${others[0]}–${others[others.length - 1]}` : `layers ${others.join(", ")}`;
  return [...paths.filter((p) => index(p) === first), `… likewise in ${layers}`, ...paths.filter((p) => index(p) === null)].join(", ");
}

/**
 * The paths among `paths` (a model's Linear layers) that `patterns` match, in model order. A pattern that
 * matches none is an InputError naming it and the real paths.
 */
export function matchKeepFp32(paths: readonly string[], patterns: readonly string[]): string[] {
  const hasPrefix = paths.some((p) => p.startsWith("bert."));
  const matched = new Set<string>();
  for (const pattern of patterns) {
    const re = keepPatternRegExp(pattern);
    const hits = paths.filter((p) => {
      const other = alternateSpelling(p, hasPrefix);
      return [p, ...(other === null ? [] : [other])].some((spelling) => selfAndAncestors(spelling).some((s) => re.test(s)));
    });
    if (hits.length === 0) {
      throw new InputError(`keep-fp32 pattern "${pattern}" matches no Linear layer of this model; its Linear layers are ${describePaths(paths)}`);
    }
    for (const p of hits) matched.add(p);
  }
  return paths.filter((p) => matched.has(p));
}
