/** The Hugging Face hub client: download into (and read from) the cache huggingface_hub shares. */
export { checkRepoId, hubCacheDir, hubEndpoint, isOffline, repoFolderName, RepoCache, type Env } from "./cache.js";
export { cachedSnapshot, snapshotDownload, type DownloadOptions, type Snapshot } from "./download.js";
export { matchesAny } from "./glob.js";
export { MODEL_FILES, resolveModel, type ResolvedModel } from "./resolve.js";
export type { Progress } from "./transfer.js";
