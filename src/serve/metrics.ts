/**
 * A small Prometheus registry: counters, gauges read at scrape time, and histograms, rendered in the
 * text exposition format 0.0.4 (`# HELP`, `# TYPE`, `name{label="v"} value`). Names follow TEI where it
 * has one (te_queue_size: the gauge a HorizontalPodAutoscaler scales on).
 */

type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

function formatNumber(x: number): string {
  if (x === Infinity) return "+Inf";
  if (x === -Infinity) return "-Inf";
  return Number.isNaN(x) ? "NaN" : String(x);
}

interface Metric {
  render(): string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();

  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) lines.push(`${this.name}${key} ${formatNumber(v)}`);
    return lines;
  }
}

/** A gauge whose value is read when scraped. */
export class Gauge implements Metric {
  constructor(readonly name: string, readonly help: string, private readonly read: () => number) {}

  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${formatNumber(this.read())}`];
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  /** `buckets`: upper bounds, increasing; +Inf is added. */
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) (s as { counts: number[] }).counts[i]++;
    });
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((bound, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: formatNumber(bound) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  /** The exposition text, ending in a newline. */
  render(): string {
    return this.metrics.flatMap((m) => m.render()).join("\n") + "\n";
  }
}

/** The server's metrics. */
export interface ServeMetrics {
  registry: Registry;
  requests: Counter;
  failures: Counter;
  duration: Histogram;
  batchSize: Histogram;
  batchTokens: Histogram;
}

export function serveMetrics(queueSize: () => number, inFlight: () => number): ServeMetrics {
  const registry = new Registry();
  registry.add(new Gauge("te_queue_size", "Requests waiting for a batch (not yet computing).", queueSize));
  registry.add(new Gauge("bertkit_in_flight_requests", "Requests admitted: waiting or computing.", inFlight));
  return {
    registry,
    requests: registry.add(new Counter("bertkit_http_requests_total", "HTTP requests answered, by route and status.")),
    failures: registry.add(new Counter("te_request_failure", "Requests answered with an error, by error type.")),
    duration: registry.add(new Histogram("bertkit_http_request_duration_seconds", "Time from request to response, by route.", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])),
    batchSize: registry.add(new Histogram("te_batch_next_size", "Requests per computed batch.", [1, 2, 4, 8, 16, 32, 64, 128, 256])),
    batchTokens: registry.add(new Histogram("te_batch_next_tokens", "Tokens per computed batch.", [64, 256, 1024, 4096, 16384, 65536])),
  };
}
