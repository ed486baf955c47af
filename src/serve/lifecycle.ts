/**
 * Starting and stopping a server. `listen` binds the host and port; `drainOnSignals` makes SIGTERM and
 * SIGINT stop the server gracefully: /health turns 503, no new connections are accepted, requests already
 * received are answered (their batches computed), then the returned promise resolves so the process can
 * exit 0. A second signal while draining exits at once (code 1).
 */
import type { AddressInfo } from "node:net";
import type { Server } from "./server.js";

export interface Listening {
  host: string;
  port: number;
  url: string;
}

export async function listen(server: Server, host: string, port: number): Promise<Listening> {
  await server.app.listen({ host, port });
  const address = server.app.server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
}

/** Stops accepting, answers what is in flight, closes. */
export async function drain(server: Server): Promise<void> {
  server.draining = true;
  await server.app.close();
}

/** Resolves once a SIGTERM or SIGINT has drained the server. */
export function drainOnSignals(server: Server, signals: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"]): Promise<NodeJS.Signals> {
  return new Promise((resolve, reject) => {
    let draining = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (draining) {
        process.exit(1); // a second signal: the operator wants out now
      }
      draining = true;
      server.app.log.info({ signal }, "draining");
      drain(server).then(() => {
        for (const s of signals) process.off(s, onSignal);
        resolve(signal);
      }, reject);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
