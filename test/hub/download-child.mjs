// One `snapshotDownload` in its own process, for processes.test.ts: the compiled hub client (dist/) with the
// environment it is given (HF_ENDPOINT, HF_HUB_CACHE). Prints the snapshot folder. Argument: REPO_ID.
import { snapshotDownload } from "../../dist/src/hub/index.js";

const snapshot = await snapshotDownload(process.argv[2], { backoffMs: 1 });
process.stdout.write(`${snapshot.dir}\n`);
