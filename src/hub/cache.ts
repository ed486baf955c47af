/**
 * The Hugging Face cache, laid out exactly as `huggingface_hub` writes it on Linux, so that Python tools and
 * bertkit share downloads:
 *
 *   $HF_HUB_CACHE (default $HF_HOME/hub, HF_HOME default $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface)
 *   ├── CACHEDIR.TAG
 *   ├── .locks/models--org--name/<etag>.lock
 *   └── models--org--name/
 *       ├── blobs/<etag>                    the file's bytes, named by its ETag (sha256 for LFS files, git sha1 else)
 *       ├── refs/<revision>                 the commit a branch or tag pointed to (no newline)
 *       └── snapshots/<commit>/<path>       relative symlinks to ../../blobs/<etag>
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import { InputError } from "../errors.js";

export type Env = Readonly<Record<string, string | undefined>>;

const TRUE_VALUES = new Set(["1", "ON", "YES", "TRUE"]);

/** huggingface_hub's reading of a boolean environment variable. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toUpperCase());
}

export function hubCacheDir(env: Env = process.env): string {
  const home = env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "huggingface");
  return env.HF_HUB_CACHE ?? env.HUGGINGFACE_HUB_CACHE ?? join(home, "hub");
}

export function isOffline(env: Env = process.env): boolean {
  return envFlag(env.HF_HUB_OFFLINE) || envFlag(env.TRANSFORMERS_OFFLINE);
}

export function hubEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT ?? "https://huggingface.co").replace(/\/+$/, "");
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/** A model repository id ("org/name" or "name"), refused with the reason when malformed. */
export function checkRepoId(repoId: string): string {
  if (!REPO_ID.test(repoId) || repoId.includes("--") || repoId.includes("..") || repoId.length > 96) {
    throw new InputError(`"${repoId}" is not a Hugging Face repository id; use "org/name" (letters, digits, - _ .)`);
  }
  return repoId;
}

/** "models--org--name". */
export function repoFolderName(repoId: string): string {
  return ["models", ...repoId.split("/")].join("--");
}

const CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by huggingface_hub.\n# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n";

export class RepoCache {
  readonly root: string;

  constructor(readonly cacheDir: string, readonly repoId: string) {
    this.root = join(cacheDir, repoFolderName(checkRepoId(repoId)));
  }

  blob(etag: string): string {
    return join(this.root, "blobs", etag);
  }

  snapshot(commit: string): string {
    return join(this.root, "snapshots", commit);
  }

  lockPath(etag: string): string {
    return join(this.cacheDir, ".locks", repoFolderName(this.repoId), `${etag}.lock`);
  }

  /** The commit `revision` names in the cache: itself if it is a cached commit, else refs/<revision>. */
  commitOf(revision: string): string | null {
    const ref = join(this.root, "refs", revision);
    if (existsSync(ref)) return readFileSync(ref, "utf8").trim();
    if (/^[0-9a-f]{40}$/.test(revision) && existsSync(this.snapshot(revision))) return revision;
    return null;
  }

  /** Records that `revision` (a branch or tag) is at `commit`, atomically; nothing when revision is the commit. */
  writeRef(revision: string, commit: string): void {
    if (revision === commit) return;
    const ref = join(this.root, "refs", revision);
    if (existsSync(ref) && readFileSync(ref, "utf8") === commit) return;
    mkdirSync(dirname(ref), { recursive: true });
    const tmp = `${ref}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, commit);
    renameSync(tmp, ref);
  }

  /** snapshots/<commit>/<filename> → the blob, as a relative symlink (replacing what was there). */
  link(commit: string, filename: string, etag: string): string {
    const pointer = join(this.snapshot(commit), filename);
    mkdirSync(dirname(pointer), { recursive: true });
    rmSync(pointer, { force: true });
    symlinkSync(relative(dirname(pointer), this.blob(etag)), pointer);
    return pointer;
  }

  tagCacheDir(): void {
    const tag = join(this.cacheDir, "CACHEDIR.TAG");
    if (existsSync(tag)) return;
    mkdirSync(this.cacheDir, { recursive: true });
    writeFileSync(tag, CACHEDIR_TAG);
  }
}
