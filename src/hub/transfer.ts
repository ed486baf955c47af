/**
 * One blob's bytes onto disk: appended to `<blob>.incomplete`, resumed with `Range: bytes=N-` after a dropped
 * connection (within this run, and by a later run since the partial file is kept), checked against the
 * expected size and the ETag (sha256 for LFS files, git's blob sha1 for the others), then renamed into place.
 * A partial or unverified file is never at the blob's path.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError } from "../errors.js";
import { hubFetch, NetworkError } from "./http.js";

export interface Progress {
  file: string;
  received: number;
  total: number | null;
}

export interface TransferOptions {
  url: string;
  headers: Record<string, string>;
  blobPath: string;
  expectedSize: number | null;
  etag: string;
  /** Names the file in messages and progress. */
  filename: string;
  onProgress?: (p: Progress) => void;
  /** Attempts after a dropped connection (default 5). */
  retries?: number;
  /** Pause before retry n is base·2ⁿ ms, at most 2 s (default base 100). */
  backoffMs?: number;
}

async function fileDigest(path: string, algorithm: "sha256" | "sha1", prefix: string): Promise<string> {
  const hash = createHash(algorithm).update(prefix);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Whether the file at `path` is the one the ETag names (ETags of other forms are not checked). */
export async function matchesEtag(path: string, etag: string): Promise<boolean> {
  if (/^[0-9a-f]{64}$/.test(etag)) return (await fileDigest(path, "sha256", "")) === etag;
  if (/^[0-9a-f]{40}$/.test(etag)) return (await fileDigest(path, "sha1", `blob ${statSync(path).size}\0`)) === etag;
  return true;
}

class ShortBody extends Error {}

async function attempt(o: TransferOptions, incomplete: string): Promise<boolean> {
  const have = existsSync(incomplete) ? statSync(incomplete).size : 0;
  if (o.expectedSize !== null && have === o.expectedSize) return true;
  const headers = { ...o.headers };
  if (have > 0) headers.range = `bytes=${have}-`;
  const res = await hubFetch(o.url, { headers, redirect: "follow" });
  if (res.status === 416) {
    rmSync(incomplete, { force: true }); // our partial file is longer than the file: start over
    throw new ShortBody("range not satisfiable");
  }
  if (!res.ok || res.body === null) throw new InputError(`${o.filename}: download answered HTTP ${res.status}`);
  const resumed = have > 0 && res.status === 206;
  const file = await open(incomplete, resumed ? "a" : "w"); // a 200 to a Range request is the whole file
  let received = resumed ? have : 0;
  try {
    for await (const chunk of res.body) {
      await file.write(chunk);
      received += chunk.byteLength;
      o.onProgress?.({ file: o.filename, received, total: o.expectedSize });
    }
  } finally {
    await file.close();
  }
  if (o.expectedSize !== null && received < o.expectedSize) throw new ShortBody(`got ${received} of ${o.expectedSize} bytes`);
  return true;
}

export async function transfer(o: TransferOptions): Promise<void> {
  const incomplete = `${o.blobPath}.incomplete`;
  mkdirSync(dirname(incomplete), { recursive: true });
  const retries = o.retries ?? 5;
  for (let n = 0; ; n++) {
    try {
      await attempt(o, incomplete);
      break;
    } catch (error) {
      // A connection dropped mid-file (undici throws "terminated") or closed early: resume; other errors stop.
      const dropped = error instanceof ShortBody || error instanceof NetworkError || (error instanceof TypeError && !(error instanceof InputError));
      if (!dropped) throw error;
      if (n >= retries) {
        throw new InputError(`${o.filename}: download failed ${n + 1} times (${(error as Error).message}); run again to resume from the ${existsSync(incomplete) ? statSync(incomplete).size : 0} bytes kept`);
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, (o.backoffMs ?? 100) * 2 ** n)));
    }
  }
  const got = statSync(incomplete).size;
  if (o.expectedSize !== null && got !== o.expectedSize) {
    rmSync(incomplete, { force: true });
    throw new InputError(`${o.filename}: the download is ${got} bytes, not ${o.expectedSize}; the partial file was removed, run again`);
  }
  if (!(await matchesEtag(incomplete, o.etag))) {
    rmSync(incomplete, { force: true });
    throw new InputError(`${o.filename}: the downloaded bytes do not match the hub's checksum ${o.etag}; the partial file was removed, run again`);
  }
  renameSync(incomplete, o.blobPath);
}
