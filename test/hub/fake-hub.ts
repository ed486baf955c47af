/**
 * A stand-in for the Hugging Face hub on loopback, speaking the protocol huggingface_hub relies on:
 * GET /api/models/{repo}/revision/{rev} ({sha, siblings}), HEAD/GET /{repo}/resolve/{rev}/{file} with
 * X-Repo-Commit and ETag (git blob sha1) for small files, and for LFS files a 302 to a "CDN" path with
 * X-Linked-Etag (sha256) and X-Linked-Size; Range requests answered 206; private repos 401 without the token;
 * X-Error-Code on 404s; a renamed repo redirecting relatively. Faults: drop a connection mid-file, corrupt bytes.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeFile {
  bytes: Buffer;
  lfs: boolean;
}

export interface FakeRepo {
  commit: string;
  /** Branch and tag names → commit (the commit itself always resolves). */
  refs: Record<string, string>;
  files: Record<string, FakeFile>;
  token?: string;
}

export interface Seen {
  method: string;
  url: string;
  range?: string;
  authorization?: string;
}

export function gitBlobSha1(bytes: Buffer): string {
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class FakeHub {
  readonly repos = new Map<string, FakeRepo>();
  /** Old id → new id: resolve URLs of the old id redirect relatively. */
  readonly renamed = new Map<string, string>();
  readonly seen: Seen[] = [];
  /** Paths ("/cdn/<sha>" or "/{repo}/resolve/…") whose next n GETs send half the body and drop the connection. */
  readonly dropNext = new Map<string, number>();
  /** Files (by sha256 or sha1 etag) served with a flipped byte. */
  readonly corrupt = new Set<string>();
  /** Milliseconds to wait before sending a file's bytes (to make downloads overlap). */
  delayMs = 0;
  private readonly servers: Server[] = [];
  url = "";
  /** The "CDN" LFS files redirect to: another port, so another host than the hub's. */
  cdnUrl = "";

  async start(): Promise<this> {
    const listen = async (): Promise<string> => {
      const server = createServer((req, res) => this.handle(req, res));
      this.servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    this.url = await listen();
    this.cdnUrl = await listen();
    return this;
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Requests whose URL starts with `prefix`. */
  count(method: string, prefix: string): number {
    return this.seen.filter((s) => s.method === method && s.url.startsWith(prefix)).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = decodeURIComponent(req.url ?? "/");
    this.seen.push({ method: req.method ?? "", url, range: req.headers.range, authorization: req.headers.authorization });
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url);
    if (api !== null) return this.api(req, res, api[1], api[2]);
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url);
    if (cdn !== null) {
      const file = [...this.repos.values()].flatMap((r) => Object.values(r.files)).find((f) => sha256(f.bytes) === cdn[1]);
      return file === undefined ? this.end(res, 404, {}) : this.body(req, res, file.bytes, url, cdn[1]);
    }
    const resolve = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url);
    if (resolve === null) return this.end(res, 404, {});
    const [, repoId, revision, filename] = resolve;
    const target = this.renamed.get(repoId);
    if (target !== undefined) return this.end(res, 307, { location: `/${target}/resolve/${revision}/${filename}` });
    const repo = this.access(req, res, repoId);
    if (repo === null) return;
    if (revision !== repo.commit && repo.refs[revision] === undefined) return this.end(res, 404, { "x-error-code": "RevisionNotFound" });
    const file = repo.files[filename];
    if (file === undefined) return this.end(res, 404, { "x-error-code": "EntryNotFound", "x-repo-commit": repo.commit });
    const commit = { "x-repo-commit": repo.commit };
    if (file.lfs) {
      const sha = sha256(file.bytes);
      return this.end(res, 302, { ...commit, location: `${this.cdnUrl}/cdn/${sha}`, "x-linked-etag": `"${sha}"`, "x-linked-size": String(file.bytes.length), etag: '"not-the-blob"' });
    }
    const etag = gitBlobSha1(file.bytes);
    if (req.method === "HEAD") return this.end(res, 200, { ...commit, etag: `"${etag}"`, "content-length": String(file.bytes.length) });
    return this.body(req, res, file.bytes, url, etag);
  }

  private access(req: IncomingMessage, res: ServerResponse, repoId: string): FakeRepo | null {
    const repo = this.repos.get(repoId);
    if (repo === undefined) {
      this.end(res, req.headers.authorization === undefined ? 401 : 404, { "x-error-code": "RepoNotFound" });
      return null;
    }
    if (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`) {
      this.end(res, 401, { "x-error-code": "RepoNotFound" });
      return null;
    }
    return repo;
  }

  private api(req: IncomingMessage, res: ServerResponse, repoId: string, revision: string): void {
    const repo = this.access(req, res, repoId);
    if (repo === null) return;
    const sha = revision === repo.commit ? repo.commit : repo.refs[revision];
    if (sha === undefined) return this.end(res, 404, { "x-error-code": "RevisionNotFound" });
    const body = JSON.stringify({ id: repoId, sha, siblings: Object.keys(repo.files).map((rfilename) => ({ rfilename })) });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  }

  private body(req: IncomingMessage, res: ServerResponse, original: Buffer, path: string, etag: string): void {
    if (this.delayMs > 0) {
      setTimeout(() => this.sendBody(req, res, original, path, etag), this.delayMs);
      return;
    }
    this.sendBody(req, res, original, path, etag);
  }

  private sendBody(req: IncomingMessage, res: ServerResponse, original: Buffer, path: string, etag: string): void {
    let bytes = original;
    if (this.corrupt.has(etag)) {
      bytes = Buffer.from(original);
      bytes[0] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range === null ? 0 : Number(range[1]);
    if (start > bytes.length) return this.end(res, 416, {});
    const part = bytes.subarray(start);
    res.writeHead(range === null ? 200 : 206, { "content-length": String(part.length), ...(range === null ? {} : { "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` }) });
    const drops = this.dropNext.get(path) ?? 0;
    if (drops > 0) {
      this.dropNext.set(path, drops - 1);
      res.write(part.subarray(0, Math.floor(part.length / 2)), () => setTimeout(() => res.destroy(), 10));
      return;
    }
    res.end(part);
  }

  private end(res: ServerResponse, status: number, headers: Record<string, string>): void {
    res.writeHead(status, headers).end();
  }
}
