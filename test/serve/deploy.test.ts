/**
 * deploy/: the Kubernetes manifests parse and hold together — each object against a schema of the fields
 * Kubernetes requires (apps/v1 Deployment, v1 Service, autoscaling/v2 HorizontalPodAutoscaler), the Service
 * selecting the Deployment's pods, readiness on the server's /health, the HPA scaling that Deployment on the
 * te_queue_size gauge that /metrics exports — and the Dockerfile is multi-stage and runs `bertkit serve`. With no
 * Docker here, its runtime stage is checked as far as this machine allows: the files its COPY lines take from the
 * build stage (taken from this built checkout) are enough for its entry point to serve.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { serveMetrics } from "../../src/serve/metrics.js";
import { goldenFolder } from "./fixtures.js";

const ROOT = join(import.meta.dirname, "..", "..");
// js-yaml ships with the toolchain (eslint); typed here by the one function used.
// JSON-schema validation by the validator bertkit already depends on: Fastify's (ajv 8), through a route.
const yaml = createRequire(import.meta.url)("js-yaml") as { loadAll(text: string): unknown[] };

const str = { type: "string", minLength: 1 } as const;
const labels = { type: "object", minProperties: 1, additionalProperties: { type: "string" } } as const;
const meta = { type: "object", required: ["name"], properties: { name: str, labels } } as const;
const probe = { type: "object", required: ["httpGet"], properties: { httpGet: { type: "object", required: ["path", "port"], properties: { path: str, port: { type: ["string", "integer"] } } } } } as const;

const SCHEMAS: Record<string, object> = {
  Deployment: {
    type: "object", required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
      apiVersion: { const: "apps/v1" }, metadata: meta,
      spec: {
        type: "object", required: ["selector", "template"],
        properties: {
          replicas: { type: "integer", minimum: 1 },
          selector: { type: "object", required: ["matchLabels"], properties: { matchLabels: labels } },
          template: {
            type: "object", required: ["metadata", "spec"],
            properties: {
              metadata: { type: "object", required: ["labels"], properties: { labels } },
              spec: {
                type: "object", required: ["containers"],
                properties: {
                  containers: {
                    type: "array", minItems: 1,
                    items: {
                      type: "object", required: ["name", "image", "readinessProbe", "ports"],
                      properties: { name: str, image: str, args: { type: "array", items: { type: "string" } }, readinessProbe: probe, livenessProbe: probe, ports: { type: "array", items: { type: "object", required: ["containerPort"], properties: { containerPort: { type: "integer", minimum: 1, maximum: 65535 }, name: str } } } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  Service: {
    type: "object", required: ["apiVersion", "kind", "metadata", "spec"],
    properties: { apiVersion: { const: "v1" }, metadata: meta, spec: { type: "object", required: ["selector", "ports"], properties: { selector: labels, ports: { type: "array", minItems: 1, items: { type: "object", required: ["port"], properties: { port: { type: "integer" }, targetPort: { type: ["string", "integer"] } } } } } } },
  },
  HorizontalPodAutoscaler: {
    type: "object", required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
      apiVersion: { const: "autoscaling/v2" }, metadata: meta,
      spec: {
        type: "object", required: ["scaleTargetRef", "maxReplicas", "metrics"],
        properties: {
          scaleTargetRef: { type: "object", required: ["apiVersion", "kind", "name"] },
          minReplicas: { type: "integer", minimum: 1 }, maxReplicas: { type: "integer", minimum: 1 },
          metrics: { type: "array", minItems: 1, items: { type: "object", required: ["type"], properties: { type: { enum: ["Pods", "Resource", "Object", "External", "ContainerResource"] } } } },
        },
      },
    },
  },
};

async function schemaErrors(schema: object, doc: unknown): Promise<string | null> {
  const app = Fastify();
  app.post("/", { schema: { body: schema } }, async () => "ok");
  const res = await app.inject({ method: "POST", url: "/", payload: doc as object });
  await app.close();
  return res.statusCode === 200 ? null : res.body;
}

interface K8sObject { kind: string; metadata: { name: string }; spec: Record<string, unknown> }

describe("deploy/", () => {
  const docs = yaml.loadAll(readFileSync(join(ROOT, "deploy", "k8s", "bertkit-serve.yaml"), "utf8")) as K8sObject[];
  const byKind = new Map(docs.map((d) => [d.kind, d]));

  it("holds a Deployment, a Service and an HPA, each valid against its schema", async () => {
    expect([...byKind.keys()].sort()).toEqual(["Deployment", "HorizontalPodAutoscaler", "Service"]);
    for (const doc of docs) expect(await schemaErrors(SCHEMAS[doc.kind], doc), doc.kind).toBeNull();
    // The schemas do catch mistakes:
    const broken = { ...byKind.get("HorizontalPodAutoscaler"), apiVersion: "autoscaling/v1" };
    expect(await schemaErrors(SCHEMAS.HorizontalPodAutoscaler, broken)).toMatch(/apiVersion/);
  });

  it("wires together: selector, readiness on /health, HPA on the queue gauge /metrics exports", () => {
    const deployment = byKind.get("Deployment") as unknown as { metadata: { name: string }; spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ readinessProbe: { httpGet: { path: string; port: string } }; ports: Array<{ name: string; containerPort: number }>; args: string[] }> } } } };
    const service = byKind.get("Service") as unknown as { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> } };
    const hpa = byKind.get("HorizontalPodAutoscaler") as unknown as { spec: { scaleTargetRef: { kind: string; name: string }; metrics: Array<{ pods: { metric: { name: string } } }> } };
    const pod = deployment.spec.template;
    expect(pod.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    const container = pod.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe("/health");
    expect(container.ports.map((p) => p.name)).toContain(container.readinessProbe.httpGet.port);
    expect(container.ports.map((p) => p.name)).toContain(service.spec.ports[0].targetPort);
    expect(container.args).toContain("--model");
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: "Deployment", name: deployment.metadata.name });
    const gauge = hpa.spec.metrics[0].pods.metric.name;
    expect(serveMetrics(() => 0, () => 0).registry.render()).toMatch(new RegExp(`^# TYPE ${gauge} gauge$`, "m"));
  });

  it("the Dockerfile is multi-stage and its entry point is bertkit serve on 0.0.0.0:8080", () => {
    const dockerfile = readFileSync(join(ROOT, "deploy", "Dockerfile"), "utf8");
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(2);
    expect(dockerfile).toMatch(/^COPY --from=build .*bertkit_native\.node/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/bertkit", "serve", "--host", "0\.0\.0\.0", "--port", "8080"\]$/m);
  });

  it("the runtime stage's files (its COPY --from=build lines, from this built checkout) are enough to serve", async () => {
    const dockerfile = readFileSync(join(ROOT, "deploy", "Dockerfile"), "utf8");
    const copies = [...dockerfile.matchAll(/^COPY --from=build \/app\/(\S+) \.\/(\S*)$/gm)].map((m) => ({ from: m[1], to: m[2] === "" ? m[1] : m[2] })); // "./": the same name
    expect(copies.map((c) => c.to)).toEqual(expect.arrayContaining(["node_modules", "bin", "dist/src"]));
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
    const argv = JSON.parse(entry?.[1] ?? "[]") as string[];
    const app = mkdtempSync(join(tmpdir(), "bertkit-runtime-stage-"));
    try {
      for (const { from, to } of copies) {
        mkdirSync(dirname(join(app, to)), { recursive: true });
        // node_modules is linked, not copied (the image has it pruned to production dependencies; not checked here).
        if (to === "node_modules") symlinkSync(join(ROOT, from), join(app, to));
        else cpSync(join(ROOT, from), join(app, to), { recursive: true });
      }
      const [command, ...args] = argv.map((a) => (a === "0.0.0.0" ? "127.0.0.1" : a === "8080" ? "0" : a));
      expect(command).toBe("node");
      const child = spawn(process.execPath, [...args, "--model", goldenFolder("seqcls-3")], { cwd: app, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /"url":"([^"]+)"/.exec(out);
          if (m) resolve(m[1]);
        });
        child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`the runtime stage's bertkit serve exited ${code}: ${out}`)));
      });
      try {
        expect((await fetch(`${url}/health`)).status).toBe(200);
        const r = await fetch(`${url}/embed`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ inputs: "hello world" }) });
        expect(r.status).toBe(200);
        expect(((await r.json()) as number[][])[0]).toHaveLength(64);
      } finally {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 30_000);
});
