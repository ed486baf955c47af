/**
 * `snapshotDownload(repoId)`: a model repository's files at a revision into the shared Hugging Face cache
 * (cache.ts), as huggingface_hub's `snapshot_download` does: the model API names the commit and the files
 * (GET {endpoint}/api/models/{repo}/revision/{revision}), each file is fetched by commit unless its blob is
 * already cached, and refs/<revision> records the commit. Offline (HF_HUB_OFFLINE=1), or when the hub cannot
 * be reached, the cached snapshot of the revision is used; with nothing cached that is an error.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../errors.js";
import { hubCacheDir, hubEndpoint, isOffline, RepoCache, type Env } from "./cache.js";
import { matchesAny } from "./glob.js";
import { authHeaders, fileMetadata, hubError, hubFetch, NetworkError } from "./http.js";
import { acquireLock } from "./lock.js";
import { transfer, type Progress } from "./transfer.js";

export interface DownloadOptions {
  /** Branch, tag or commit (default "main"). */
  revision?: string;
  /** fnmatch patterns of the files to fetch (default: all). */
  include?: readonly string[];
  /** Environment to read HF_* from (default process.env). */
  env?: Env;
  onProgress?: (p: Progress) => void;
  /** Called once per file before it is fetched, with its size when known (for progress bars). */
  onFile?: (file: string, size: number | null, cached: boolean) => void;
  retries?: number;
  backoffMs?: number;
  userAgent?: string;
}

export interface Snapshot {
  repoId: string;
  commit: string;
  /** snapshots/<commit> in the cache: a model folder. */
  dir: string;
  files: string[];
  /** True when the cache answered without the hub (offline, or the hub unreachable). */
  fromCache: boolean;
}

function quotePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** The cached snapshot of `revision`, or null. */
export function cachedSnapshot(repoId: string, revision = "main", env: Env = process.env): Snapshot | null {
  const cache = new RepoCache(hubCacheDir(env), repoId);
  const commit = cache.commitOf(revision);
  if (commit === null || !existsSync(cache.snapshot(commit))) return null;
  return { repoId, commit, dir: cache.snapshot(commit), files: listFiles(cache.snapshot(commit)), fromCache: true };
}

interface RepoInfo {
  sha: string;
  files: string[];
}

async function repoInfo(endpoint: string, repoId: string, revision: string, headers: Record<string, string>): Promise<RepoInfo> {
  const url = `${endpoint}/api/models/${repoId}/revision/${encodeURIComponent(revision)}`;
  const res = await hubFetch(url, { headers });
  if (!res.ok) throw hubError(res.status, res.headers.get("x-error-code"), { repoId, revision });
  const body = (await res.json()) as { sha?: unknown; siblings?: unknown };
  const siblings = Array.isArray(body.siblings) ? (body.siblings as Array<{ rfilename?: unknown }>) : null;
  if (typeof body.sha !== "string" || siblings === null) throw new InputError(`${url}: the answer has no "sha" and "siblings"; is HF_ENDPOINT a Hugging Face hub?`);
  return { sha: body.sha, files: siblings.map((s) => s.rfilename).filter((f): f is string => typeof f === "string") };
}

/** One file of the repository at `commit` into the cache; returns its snapshot path. */
async function fetchFile(cache: RepoCache, endpoint: string, commit: string, filename: string, headers: Record<string, string>, o: DownloadOptions): Promise<string> {
  const pointer = join(cache.snapshot(commit), filename);
  if (existsSync(pointer)) {
    o.onFile?.(filename, null, true);
    return pointer; // a commit's files never change
  }
  const url = `${endpoint}/${cache.repoId}/resolve/${commit}/${quotePath(filename)}`;
  const meta = await fileMetadata(url, headers, { repoId: cache.repoId, revision: commit, filename });
  const blob = cache.blob(meta.etag);
  const lock = await acquireLock(cache.lockPath(meta.etag));
  try {
    const cached = existsSync(blob);
    o.onFile?.(filename, meta.size, cached);
    if (!cached) {
      // The token goes to the hub only, not to a CDN an LFS file redirects to.
      const sameHost = new URL(meta.location).host === new URL(endpoint).host;
      const { authorization: _dropped, ...anonymous } = headers;
      await transfer({
        url: meta.location, headers: sameHost ? headers : anonymous, blobPath: blob, expectedSize: meta.size, etag: meta.etag,
        filename, onProgress: o.onProgress, retries: o.retries, backoffMs: o.backoffMs,
      });
    }
    return cache.link(commit, filename, meta.etag);
  } finally {
    lock.release();
  }
}

export async function snapshotDownload(repoId: string, o: DownloadOptions = {}): Promise<Snapshot> {
  const env = o.env ?? process.env;
  const revision = o.revision ?? "main";
  const cache = new RepoCache(hubCacheDir(env), repoId);
  const offlineAnswer = (why: string): Snapshot => {
    const cached = cachedSnapshot(repoId, revision, env);
    if (cached === null) throw new InputError(`${repoId} (revision ${revision}) is not in the cache ${cache.cacheDir} and ${why}; download it with the hub reachable first`);
    return cached;
  };
  if (isOffline(env)) return offlineAnswer("HF_HUB_OFFLINE is set");
  const endpoint = hubEndpoint(env);
  const headers = authHeaders(env.HF_TOKEN, o.userAgent ?? "bertkit; huggingface_hub-compatible");
  let info: RepoInfo;
  try {
    info = await repoInfo(endpoint, repoId, revision, headers);
  } catch (error) {
    if (error instanceof NetworkError && cachedSnapshot(repoId, revision, env) !== null) return offlineAnswer("the hub is unreachable");
    throw error;
  }
  const include = o.include ?? [];
  const files = info.files.filter((f) => matchesAny(f, include));
  if (files.length === 0) throw new InputError(`${repoId}: no file matches --include ${include.join(" ")} (the repository has ${info.files.slice(0, 8).join(", ")}${info.files.length > 8 ? ", …" : ""})`);
  cache.tagCacheDir();
  for (const f of files) await fetchFile(cache, endpoint, info.sha, f, headers, o);
  cache.writeRef(revision, info.sha);
  return { repoId, commit: info.sha, dir: cache.snapshot(info.sha), files, fromCache: false };
}
