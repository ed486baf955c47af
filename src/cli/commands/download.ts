/**
 * `bertkit download REPO_ID [--revision R] [--include GLOB…]`: a model repository into the shared Hugging Face
 * cache (HF_HOME / HF_HUB_CACHE, as huggingface_hub lays it out); prints the snapshot folder, which any
 * `--model` takes. HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE are honoured. A progress bar per file on a terminal.
 */
import type { SingleBar } from "cli-progress";
import type { Command } from "commander";
import type { DownloadOptions, Progress } from "../../hub/index.js";
import { packageVersion } from "../version.js";

export interface DownloadFlags {
  revision?: string;
  include?: string[];
}

/** Per-file progress bars on stderr when it is a terminal; nothing otherwise. */
async function progressBars(): Promise<{ options: Pick<DownloadOptions, "onFile" | "onProgress">; stop: () => void }> {
  if (process.stderr.isTTY !== true) return { options: {}, stop: () => undefined };
  const { MultiBar } = await import("cli-progress");
  const multi = new MultiBar({ stream: process.stderr, format: "{file} [{bar}] {percentage}% | {mb}/{totalMb} MB", hideCursor: true, clearOnComplete: false });
  const bars = new Map<string, SingleBar>();
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  return {
    options: {
      onFile: (file, size, cached) => {
        if (cached) return;
        bars.set(file, multi.create(size ?? 0, 0, { file, mb: "0.0", totalMb: size === null ? "?" : mb(size) }));
      },
      onProgress: (p: Progress) => bars.get(p.file)?.update(p.received, { mb: mb(p.received) }),
    },
    stop: () => multi.stop(),
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerDownload(program: Command): void {
  program
    .command("download")
    .description("download a model from the Hugging Face hub into the shared cache (huggingface_hub's layout) and print its folder")
    .argument("<repo-id>", "the repository, e.g. google-bert/bert-base-uncased")
    .option("--revision <rev>", "branch, tag or commit (default main)")
    .option("--include <glob>", "only files matching this pattern (fnmatch: *.json, 1_Pooling/*); repeatable", collect)
    .addHelpText("after", "\nEnvironment: HF_ENDPOINT, HF_TOKEN (private or gated models), HF_HOME / HF_HUB_CACHE (cache folder), HF_HUB_OFFLINE=1 (cache only).")
    .action(async (repoId: string, o: DownloadFlags) => {
      const { snapshotDownload } = await import("../../hub/index.js");
      const bars = await progressBars();
      try {
        const snapshot = await snapshotDownload(repoId, { revision: o.revision, include: o.include, userAgent: `bertkit/${packageVersion()}`, ...bars.options });
        bars.stop();
        process.stdout.write(`${snapshot.dir}\n`);
      } finally {
        bars.stop();
      }
    });
}
