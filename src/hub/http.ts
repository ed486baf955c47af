/**
 * The hub's HTTP protocol as huggingface_hub speaks it, over Node's fetch (undici):
 * - headers: `Authorization: Bearer $HF_TOKEN`, `Accept-Encoding: identity` (sizes are the real sizes);
 * - file metadata: HEAD {endpoint}/{repo}/resolve/{revision}/{file}, following only relative redirects;
 *   X-Repo-Commit is the commit, X-Linked-Etag (LFS: the sha256) or ETag names the blob, X-Linked-Size or
 *   Content-Length its size, an absolute Location the place to download from (a CDN; no token sent there);
 * - errors: 401/403 (private or gated: set HF_TOKEN), 404 (X-Error-Code says repository, revision or file).
 */
import { InputError } from "../errors.js";

export interface FileMetadata {
  commit: string;
  etag: string;
  size: number | null;
  /** Where the bytes are: the resolve URL itself, or the redirect target of an LFS file. */
  location: string;
}

export function authHeaders(token: string | undefined, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": userAgent, "accept-encoding": "identity" };
  if (token !== undefined && token !== "") headers.authorization = `Bearer ${token}`;
  return headers;
}

/** `W/"abc"` or `"abc"` → `abc`. */
export function normalizeEtag(etag: string | null): string | null {
  return etag === null ? null : etag.replace(/^W\//, "").replace(/^"+|"+$/g, "");
}

/** A failed hub answer as one actionable line. */
export function hubError(status: number, errorCode: string | null, what: { repoId: string; revision?: string; filename?: string }): InputError {
  const repo = what.repoId;
  if (status === 401 || status === 403 || errorCode === "GatedRepo") {
    return new InputError(`${repo}: the hub answered ${status}: the repository is private or gated, or does not exist; set HF_TOKEN to a token with read access to it`);
  }
  if (status === 404) {
    if (errorCode === "RevisionNotFound") return new InputError(`${repo}: no revision "${what.revision ?? "main"}" (branch, tag or commit); check --revision`);
    if (errorCode === "EntryNotFound") return new InputError(`${repo}: no file "${what.filename ?? ""}" at revision ${what.revision ?? "main"}`);
    return new InputError(`${repo}: repository not found on the hub (404); check the id, or set HF_TOKEN if it is private`);
  }
  return new InputError(`${repo}${what.filename === undefined ? "" : `/${what.filename}`}: the hub answered HTTP ${status}; try again later`);
}

/** fetch, with network failures turned into one line naming the endpoint. */
export async function hubFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new NetworkError(`cannot reach ${new URL(url).origin} (${cause?.code ?? cause?.message ?? String(error)}); check HF_ENDPOINT and the network, or set HF_HUB_OFFLINE=1 to use the cache`);
  }
}

/** The hub could not be reached at all (as opposed to answering an error). */
export class NetworkError extends InputError {}

/** HEAD on a resolve URL: the file's commit, blob name, size and download location. */
export async function fileMetadata(url: string, headers: Record<string, string>, what: { repoId: string; revision: string; filename: string }): Promise<FileMetadata> {
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    const res = await hubFetch(current, { method: "HEAD", headers, redirect: "manual" });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location !== null && !/^[a-z]+:\/\//i.test(location)) {
      current = new URL(location, current).toString(); // a renamed repository: follow within the hub
      continue;
    }
    const isRedirect = res.status >= 300 && res.status < 400;
    if (!res.ok && !isRedirect) throw hubError(res.status, res.headers.get("x-error-code"), what);
    const commit = res.headers.get("x-repo-commit");
    const etag = normalizeEtag(res.headers.get("x-linked-etag") ?? res.headers.get("etag"));
    if (commit === null || etag === null || etag === "") {
      throw new InputError(`${what.repoId}/${what.filename}: the server's answer has no X-Repo-Commit or ETag; is HF_ENDPOINT a Hugging Face hub?`);
    }
    const sizeHeader = res.headers.get("x-linked-size") ?? (isRedirect ? null : res.headers.get("content-length"));
    return { commit, etag, size: sizeHeader === null ? null : Number(sizeHeader), location: isRedirect && location !== null ? location : current };
  }
  throw new InputError(`${what.repoId}/${what.filename}: too many redirects from the hub`);
}
