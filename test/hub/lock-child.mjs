// Takes the download lock ROUNDS times in its own process, for lock.test.ts: the compiled lock (dist/). Holding it,
// reads a counter file, waits a moment and writes it back plus one, so two holders at once would lose a count.
// Arguments: LOCK_PATH COUNTER_PATH ROUNDS.
import { readFileSync, writeFileSync } from "node:fs";
import { acquireLock } from "../../dist/src/hub/lock.js";

const [lockPath, counterPath, rounds] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  const lock = await acquireLock(lockPath, { pollMs: 1 });
  const count = Number(readFileSync(counterPath, "utf8"));
  await new Promise((resolve) => setTimeout(resolve, 1));
  writeFileSync(counterPath, String(count + 1));
  lock.release();
}
