/**
 * The hub client against a loopback stand-in (fake-hub.ts; never the network). The cache must be laid out as
 * huggingface_hub's file_download.py writes it on Linux — blobs named by ETag (sha256 for LFS, git blob sha1
 * otherwise), refs/<branch> holding the commit without newline, snapshots/<commit>/<path> as relative symlinks
 * to ../../blobs/<etag> — so the expected paths below are derived from that code, not from our output.
 */
import { randomBytes } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cachedSnapshot, matchesAny, resolveModel, snapshotDownload, type Env } from "../../src/hub/index.js";
import { fileMetadata } from "../../src/hub/http.js";
import { FakeHub, gitBlobSha1, sha256 } from "./fake-hub.js";

const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const CONFIG = Buffer.from('{"model_type": "bert"}\n');
const WEIGHTS = randomBytes(200_000);
const POOLING = Buffer.from('{"pooling_mode_cls_token": true}');
const README = Buffer.from("# a model\n");

let hub: FakeHub;
let env: Env;
let cache: string;

beforeAll(async () => {
  hub = await new FakeHub().start();
  hub.repos.set("org/tiny", {
    commit: COMMIT, refs: { main: COMMIT, v1: COMMIT },
    files: { "config.json": { bytes: CONFIG, lfs: false }, "model.safetensors": { bytes: WEIGHTS, lfs: true }, "1_Pooling/config.json": { bytes: POOLING, lfs: false }, "README.md": { bytes: README, lfs: false } },
  });
  hub.repos.set("org/private", { commit: COMMIT, refs: { main: COMMIT }, token: "hf_secret", files: { "config.json": { bytes: CONFIG, lfs: false }, "model.safetensors": { bytes: WEIGHTS, lfs: true } } });
  hub.renamed.set("old/tiny", "org/tiny");
});
afterAll(() => hub.stop());
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), "bertkit-hub-"));
  env = { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache };
  hub.seen.length = 0;
});

const repoDir = (): string => join(cache, "models--org--tiny");

describe("snapshotDownload", () => {
  it("writes huggingface_hub's cache layout: blobs by ETag, refs, relative symlinks, CACHEDIR.TAG", async () => {
    const snap = await snapshotDownload("org/tiny", { env, backoffMs: 1 });
    expect(snap.dir).toBe(join(repoDir(), "snapshots", COMMIT));
    expect(snap.commit).toBe(COMMIT);
    expect(readFileSync(join(repoDir(), "refs", "main"), "utf8")).toBe(COMMIT);
    expect(readdirSync(join(repoDir(), "blobs")).sort()).toEqual([gitBlobSha1(CONFIG), sha256(WEIGHTS), gitBlobSha1(POOLING), gitBlobSha1(README)].sort());
    expect(readlinkSync(join(snap.dir, "config.json"))).toBe(`../../blobs/${gitBlobSha1(CONFIG)}`);
    expect(readlinkSync(join(snap.dir, "model.safetensors"))).toBe(`../../blobs/${sha256(WEIGHTS)}`);
    expect(readlinkSync(join(snap.dir, "1_Pooling", "config.json"))).toBe(`../../../blobs/${gitBlobSha1(POOLING)}`);
    expect(lstatSync(join(snap.dir, "config.json")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(snap.dir, "model.safetensors")).equals(WEIGHTS)).toBe(true);
    expect(readFileSync(join(cache, "CACHEDIR.TAG"), "utf8")).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55\n/);
    expect(readdirSync(join(cache, ".locks", "models--org--tiny"))).toEqual([]); // locks released
    expect(readdirSync(join(repoDir(), "blobs")).some((f) => f.endsWith(".incomplete"))).toBe(false);
  });

  it("files on the hub's own host get the token; the LFS CDN redirect does not", async () => {
    await expect(snapshotDownload("org/private", { env, backoffMs: 1 })).rejects.toThrow(/HF_TOKEN/);
    hub.seen.length = 0;
    const snap = await snapshotDownload("org/private", { env: { ...env, HF_TOKEN: "hf_secret" }, backoffMs: 1 });
    expect(readFileSync(join(snap.dir, "model.safetensors")).equals(WEIGHTS)).toBe(true);
    const cdn = hub.seen.filter((s) => s.url.startsWith("/cdn/"));
    expect(cdn.length).toBe(1);
    expect(cdn[0].authorization).toBeUndefined();
    expect(hub.seen.filter((s) => s.url.startsWith("/api/")).every((s) => s.authorization === "Bearer hf_secret")).toBe(true);
  });

  it("a second download of a cached commit fetches no file; offline it asks the hub nothing", async () => {
    await snapshotDownload("org/tiny", { env });
    hub.seen.length = 0;
    const again = await snapshotDownload("org/tiny", { env });
    expect(hub.seen.map((s) => s.url)).toEqual([`/api/models/org/tiny/revision/main`]);
    hub.seen.length = 0;
    const offline = await snapshotDownload("org/tiny", { env: { ...env, HF_HUB_OFFLINE: "1" } });
    expect(offline.dir).toBe(again.dir);
    expect(offline.fromCache).toBe(true);
    expect(hub.seen).toEqual([]);
    await expect(snapshotDownload("org/tiny", { env: { ...env, HF_HUB_OFFLINE: "1" }, revision: "v1" })).rejects.toThrow(/not in the cache .* HF_HUB_OFFLINE/);
  });

  it("reads a cache written by huggingface_hub (built here by hand) without the network", async () => {
    const repo = join(cache, "models--org--python");
    const commit = "fedcba9876543210fedcba9876543210fedcba98";
    mkdirSync(join(repo, "blobs"), { recursive: true });
    mkdirSync(join(repo, "refs"));
    mkdirSync(join(repo, "snapshots", commit), { recursive: true });
    writeFileSync(join(repo, "blobs", gitBlobSha1(CONFIG)), CONFIG);
    writeFileSync(join(repo, "refs", "main"), commit);
    symlinkSync(`../../blobs/${gitBlobSha1(CONFIG)}`, join(repo, "snapshots", commit, "config.json"));
    const snap = await snapshotDownload("org/python", { env: { ...env, HF_HUB_OFFLINE: "1" } });
    expect(snap.files).toEqual(["config.json"]);
    expect(readFileSync(join(snap.dir, "config.json")).equals(CONFIG)).toBe(true);
    expect(cachedSnapshot("org/python", "main", env)?.commit).toBe(commit);
  });

  it("resumes with Range after the connection drops mid-file", async () => {
    const path = `/cdn/${sha256(WEIGHTS)}`;
    hub.dropNext.set(path, 2);
    const snap = await snapshotDownload("org/tiny", { env, include: ["model.safetensors"], backoffMs: 1 });
    expect(readFileSync(join(snap.dir, "model.safetensors")).equals(WEIGHTS)).toBe(true);
    const gets = hub.seen.filter((s) => s.method === "GET" && s.url === path);
    expect(gets.map((g) => g.range)).toEqual([undefined, `bytes=${WEIGHTS.length / 2}-`, `bytes=${WEIGHTS.length * 3 / 4}-`]);
  });

  it("resumes a partial file left by an earlier run, and never takes it as complete", async () => {
    const blobs = join(repoDir(), "blobs");
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha256(WEIGHTS)}.incomplete`), WEIGHTS.subarray(0, 1000));
    await expect(snapshotDownload("org/tiny", { env: { ...env, HF_HUB_OFFLINE: "1" } })).rejects.toThrow(/not in the cache/);
    const snap = await snapshotDownload("org/tiny", { env, include: ["*.safetensors"] });
    expect(readFileSync(join(snap.dir, "model.safetensors")).equals(WEIGHTS)).toBe(true);
    expect(hub.seen.filter((s) => s.url.startsWith("/cdn/")).map((s) => s.range)).toEqual(["bytes=1000-"]);
  });

  it("refuses bytes that do not match the ETag and leaves no blob or partial file", async () => {
    hub.corrupt.add(sha256(WEIGHTS));
    try {
      await expect(snapshotDownload("org/tiny", { env, include: ["model.safetensors"] })).rejects.toThrow(/do not match the hub's checksum/);
      expect(existsSync(join(repoDir(), "blobs", sha256(WEIGHTS)))).toBe(false);
      expect(existsSync(join(repoDir(), "blobs", `${sha256(WEIGHTS)}.incomplete`))).toBe(false);
    } finally {
      hub.corrupt.delete(sha256(WEIGHTS));
    }
  });

  it("two downloads of the same model at once fetch each blob once and both succeed", async () => {
    const [a, b] = await Promise.all([snapshotDownload("org/tiny", { env }), snapshotDownload("org/tiny", { env })]);
    expect(a.dir).toBe(b.dir);
    expect(hub.seen.filter((s) => s.method === "GET" && s.url.startsWith("/cdn/")).length).toBe(1);
    expect(readFileSync(join(a.dir, "model.safetensors")).equals(WEIGHTS)).toBe(true);
  });

  it("--include patterns, a renamed repository, and clear errors for 404s", async () => {
    const json = await snapshotDownload("org/tiny", { env, include: ["*.json"] });
    expect(json.files).toEqual(["config.json", "1_Pooling/config.json"]);
    expect(matchesAny("1_Pooling/config.json", ["1_Pooling/"])).toBe(true);
    expect(matchesAny("a/b.bin", ["*.json"])).toBe(false);
    const renamed = await fileMetadata(`${hub.url}/old/tiny/resolve/main/config.json`, {}, { repoId: "old/tiny", revision: "main", filename: "config.json" });
    expect(renamed).toEqual({ commit: COMMIT, etag: gitBlobSha1(CONFIG), size: CONFIG.length, location: `${hub.url}/org/tiny/resolve/main/config.json` });
    await expect(snapshotDownload("org/tiny", { env, include: ["*.bin"] })).rejects.toThrow(/no file matches --include \*\.bin/);
    await expect(snapshotDownload("org/tiny", { env, revision: "nope" })).rejects.toThrow(/no revision "nope"/);
    await expect(snapshotDownload("org/missing", { env: { ...env, HF_TOKEN: "x" } })).rejects.toThrow(/repository not found/);
    await expect(snapshotDownload("bad id!", { env })).rejects.toThrow(/not a Hugging Face repository id/);
    const empty = mkdtempSync(join(tmpdir(), "bertkit-hub-"));
    await expect(snapshotDownload("org/tiny", { env: { HF_HUB_CACHE: empty, HF_ENDPOINT: "http://127.0.0.1:1" } })).rejects.toThrow(/cannot reach http:\/\/127\.0\.0\.1:1/);
  });
});

describe("resolveModel", () => {
  it("uses a folder as it is and downloads a hub id's model files only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bertkit-folder-"));
    expect(await resolveModel(dir, { env })).toEqual({ dir, modelId: dir, commit: null });
    const r = await resolveModel("org/tiny", { env });
    expect(r).toEqual({ dir: join(repoDir(), "snapshots", COMMIT), modelId: "org/tiny", commit: COMMIT });
    expect(existsSync(join(r.dir, "README.md"))).toBe(false);
    expect(existsSync(join(r.dir, "1_Pooling", "config.json"))).toBe(true);
    const pinned = await resolveModel("org/tiny@v1", { env });
    expect(readFileSync(join(repoDir(), "refs", "v1"), "utf8")).toBe(COMMIT);
    expect(pinned.dir).toBe(r.dir);
    await expect(resolveModel("./no/such/dir", { env })).rejects.toThrow(/no such folder/);
    const unreachable = await resolveModel("org/tiny", { env: { ...env, HF_ENDPOINT: "http://127.0.0.1:1" } });
    expect(unreachable.dir).toBe(r.dir); // the hub is down: the cached snapshot serves
  });
});
