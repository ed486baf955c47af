// Load figures for `bertkit serve` (issue 13): autocannon against POST /embed at concurrency 1, 8 and 32 —
// throughput and p50/p99 latency — and, in the same run, the node:http + onnxruntime-node peer
// (ort-server.mjs) on the ONNX export of the same weights. Prints a Markdown table with the date and machine.
// Both servers run throughout and take turns, cell by cell, `--repeats` times (the order alternating), so that
// drifts of a shared VM fall on both; the table gives each cell's median and the median of the paired ratios.
// After each cell the server is left to finish the requests still queued (its CPU time stops growing) before the
// next cell starts, so that one server's backlog does not run during the other's cell.
//
//   npx tsc -p tsconfig.build.json
//   node bench/serve/load.mjs --model DIR [--onnx DIR/model.onnx] [--seconds 10] [--repeats 3] [--threads N] [--connections 1,8,32]
//
// The ONNX export needs PyTorch: `python bench/peers/torch_bert.py export --model DIR --out DIR/model.onnx`.
// Without --onnx (or the file) only bertkit is measured. SERVE_WORKERS=n sets bertkit serve's --workers (default 1);
// SERVE_DTYPE=int8 serves bertkit in int8 (then give --onnx the int8 graph, bench/peers/quantize_onnx.py's output).
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const HERE = import.meta.dirname;
const { values } = parseArgs({
  options: {
    model: { type: "string", default: join(HERE, "..", "..", "..", "shared", "models", "gutenberg-mini") },
    onnx: { type: "string" },
    seconds: { type: "string", default: "10" },
    repeats: { type: "string", default: "3" },
    threads: { type: "string", default: String(cpus().length) },
    connections: { type: "string", default: "1,8,32" },
  },
});
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const connections = values.connections.split(",").map(Number);
const onnx = values.onnx ?? join(values.model, "model.onnx");

// A sentence of typical length (about 20 tokens), varied per request so no cache can help.
const SENTENCES = ["The quick brown fox jumps over the lazy dog near the river bank.", "She opened the door and walked out into the cold morning air.", "Machine learning models turn text into vectors that capture meaning.", "He read the letter twice before putting it back in the drawer."];

function start(script, args, env) {
  const child = spawn(process.execPath, [join(HERE, script), ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (c) => {
      err += c;
      const m = /LISTENING (\S+)/.exec(err);
      if (m) resolve({ url: m[1], pid: child.pid, stop: () => child.kill("SIGTERM") });
    });
    child.on("exit", (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}

/** CPU time (user + system, clock ticks) a process has used so far; null where /proc cannot tell. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return null;
  }
}

/**
 * Waits until a server has finished the work autocannon left behind: requests still queued when a cell ends
 * go on computing (the peer, which queues every request, for seconds at 32 clients) and would run during the
 * other server's next cell. Idle = under 2 ticks of CPU in a quarter of a second; gives up after 60 s.
 */
async function settle(pid) {
  const deadline = Date.now() + 60_000;
  let before = cpuTicks(pid);
  while (before !== null && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuTicks(pid);
    if (now === null || now - before < 2) return;
    before = now;
  }
  if (before !== null) process.stderr.write(`server ${pid} still busy 60 s after its cell\n`);
}

async function measure(url, c) {
  let i = 0;
  const result = await autocannon({
    url: `${url}/embed`, connections: c, duration: seconds, method: "POST", headers: { "content-type": "application/json" },
    setupClient: (client) => client.setBody(JSON.stringify({ inputs: SENTENCES[i++ % SENTENCES.length] })),
  });
  const ok = result["2xx"];
  return { rps: ok / result.duration, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 === 1 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const servers = [["bertkit serve", "bertkit-server.mjs", [values.model, "18080"], { BERTKIT_THREADS: values.threads }]];
if (existsSync(onnx)) servers.push(["node:http + onnxruntime-node", "ort-server.mjs", [values.model, onnx, "18081", values.threads], {}]);
else process.stderr.write(`no ONNX export at ${onnx}: measuring bertkit only (see the header for the export command)\n`);
const running = [];
for (const [name, script, args, env] of servers) running.push({ name, ...(await start(script, args, env)) });
for (const server of running) {
  await measure(server.url, 1); // warm-up
  await settle(server.pid);
}
const runs = []; // { name, c, repeat, rps, p50, p99, errors }
for (const c of connections) {
  for (let repeat = 0; repeat < repeats; repeat++) {
    const order = repeat % 2 === 0 ? running : [...running].reverse();
    for (const server of order) {
      const run = { name: server.name, c, repeat, ...(await measure(server.url, c)) };
      await settle(server.pid);
      process.stderr.write(`${run.name} c=${c} #${repeat + 1}: ${run.rps.toFixed(1)} req/s, p99 ${run.p99} ms\n`);
      runs.push(run);
    }
  }
}
for (const server of running) server.stop();
const rows = [];
for (const c of connections) {
  for (const { name } of running) {
    const cell = runs.filter((r) => r.name === name && r.c === c);
    rows.push({ name, c, rps: median(cell.map((r) => r.rps)), p50: median(cell.map((r) => r.p50)), p99: median(cell.map((r) => r.p99)), errors: cell.reduce((n, r) => n + r.errors, 0) });
  }
}

const date = new Date().toISOString().slice(0, 10);
console.log(`POST /embed, one ~15-word sentence per request, ${seconds} s per cell, medians of ${repeats} turns, ${values.threads} threads — ${date}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, model ${values.model}, bertkit ${process.env.SERVE_DTYPE ?? "fp32"}, ONNX ${onnx}\n`);
console.log("| server | concurrency | requests/s | p50 ms | p99 ms | errors |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.name} | ${r.c} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.errors} |`);
if (running.length === 2) {
  for (const c of connections) {
    const ratios = [];
    for (let repeat = 0; repeat < repeats; repeat++) {
      const [ours, peer] = running.map((s) => runs.find((r) => r.name === s.name && r.c === c && r.repeat === repeat));
      ratios.push(ours.rps / peer.rps);
    }
    const ours = rows.find((r) => r.name === running[0].name && r.c === c);
    const peer = rows.find((r) => r.name === running[1].name && r.c === c);
    console.log(`\nconcurrency ${c}: bertkit ÷ peer throughput ${median(ratios).toFixed(2)}× (turns: ${ratios.map((x) => x.toFixed(2)).join(", ")}), p99 ${ours.p99} vs ${peer.p99} ms`);
  }
}
