/**
 * File patterns for `--include`, with Python's fnmatch rules as huggingface_hub applies them: `*` and `?`
 * match any characters including "/", `[abc]` a class, `[!abc]` its complement; a pattern ending in "/"
 * means everything under that folder.
 */

function fnmatchRegExp(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end === -1) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end).replace(/\\/g, "\\\\");
      if (body.startsWith("!")) body = "^" + body.slice(1);
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

/** Whether `path` matches at least one pattern (no patterns: everything matches). */
export function matchesAny(path: string, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((p) => fnmatchRegExp(p.endsWith("/") ? p + "*" : p).test(path));
}
