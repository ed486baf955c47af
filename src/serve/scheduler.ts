/**
 * Dynamic batching. Requests of one kind wait in a `Lane`; one `Scheduler` starts the lanes' batches, at most
 * `parallel` at a time (1 on this thread; one per worker with a pool), each grouping waiting requests up to
 * `maxBatchTokens` tokens (a single request larger than that runs alone). When the scheduler is idle, the first
 * request waits at most `maxWaitMs` for company (0: until the requests already received are parsed — the end of the
 * event loop's current turn); while batches compute, new requests queue and form the next batch. After a batch of n
 * requests, the next waits until n requests wait, for at most a quarter of that batch's compute time (`held`): the
 * clients just answered send their next requests together. Between batches it yields to the event loop
 * (setImmediate), so HTTP connections are accepted and answered even when batches compute on this thread.
 *
 * Admission: at most `maxConcurrentRequests` requests may be queued or running; one more is refused with
 * OverloadedError (HTTP 429) instead of queueing without bound.
 *
 * A lane's `run` maps a batch of items to one result per item, in order (a promise). If a batch of several requests fails
 * with a user error, each request is rerun alone so that one bad request cannot fail the others.
 *
 * With `offThread` (batches compute in worker threads), the next batch may start as soon as a batch's results arrive,
 * before its requests are answered: the worker computes while this thread serializes and writes the answers. On this
 * thread the next batch waits for the event loop's next turn instead, so that answers and new requests go first.
 */
import { BertkitError } from "../errors.js";
import { OverloadedError } from "./errors.js";

/** How long, as a share of a finished batch's compute time, the next batch may wait for as many requests (see `held`). */
const HOLD_SHARE = 0.25;

export interface SchedulerOptions {
  maxBatchTokens: number;
  maxWaitMs: number;
  maxConcurrentRequests: number;
  /** Batches computing at once (default 1). */
  parallel?: number;
  /** Batches compute off this thread (a worker pool): start the next one before answering the last. */
  offThread?: boolean;
}

/** What the scheduler sees of a lane. */
interface LaneQueue {
  /** Enqueue time (ms) of the oldest waiting request, or undefined when none waits. */
  oldest(): number | undefined;
  waitingTokens(): number;
  waitingRequests(): number;
  /**
   * Removes the next batch (≥ 1 request, ≤ maxTokens unless one request is larger) and runs it. Calls `computed`
   * when its results are in, before answering its requests (not when it failed: failures may rerun requests).
   */
  runBatch(maxTokens: number, record: (requests: number, tokens: number) => void, computed: () => void): Promise<void>;
}

export class Scheduler {
  private readonly lanes: LaneQueue[] = [];
  private active = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** After a batch: its requests, and until when (performance.now() ms) the next batch may wait for as many. */
  private hold: { requests: number; until: number } | null = null;
  private admitted = 0;
  private batches = 0;
  private readonly observers: Array<(requests: number, tokens: number) => void> = [];

  constructor(readonly options: SchedulerOptions) {}

  /** Requests queued or computing. */
  get inFlight(): number {
    return this.admitted;
  }

  /** Requests waiting for a batch (not yet computing). */
  get queueSize(): number {
    return this.lanes.reduce((n, lane) => n + lane.waitingRequests(), 0);
  }

  get batchCount(): number {
    return this.batches;
  }

  /** Called after every batch with its request and token counts (metrics). */
  onBatch(observer: (requests: number, tokens: number) => void): void {
    this.observers.push(observer);
  }

  /** A typed queue of requests whose items are computed together by `run`. */
  lane<I, O>(run: (items: I[]) => Promise<O[]>): Lane<I, O> {
    const lane = new Lane<I, O>(this, run);
    this.lanes.push(lane);
    return lane;
  }

  /** Counts one more request in, or throws OverloadedError when the limit is reached. */
  admit(): void {
    if (this.admitted >= this.options.maxConcurrentRequests) throw new OverloadedError(this.options.maxConcurrentRequests);
    this.admitted++;
  }

  release(): void {
    this.admitted--;
  }

  /** A lane got a request: start now if a full batch waits, else within maxWaitMs (sooner if a batch ends). */
  notify(): void {
    if (this.active >= (this.options.parallel ?? 1)) return; // the batch that ends will start the next
    if (this.waitingTokens() >= this.options.maxBatchTokens) {
      this.pump();
      return;
    }
    // Held after a batch (see `held`), or idle: start at the end of this turn, with every request parsed in it.
    if (this.hold !== null || this.options.maxWaitMs === 0) this.immediate ??= setImmediate(() => this.pump());
    else this.timer ??= setTimeout(() => this.pump(), this.options.maxWaitMs);
  }

  private waitingTokens(): number {
    return this.lanes.reduce((n, lane) => n + lane.waitingTokens(), 0);
  }

  private waitingRequests(): number {
    return this.lanes.reduce((n, lane) => n + lane.waitingRequests(), 0);
  }

  /** Starts batches while there is work and a free slot, unless the next batch is held (see `held`). */
  private pump(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.held()) return;
    const record = (requests: number, tokens: number): void => {
      this.batches++;
      for (const observe of this.observers) observe(requests, tokens);
    };
    for (let lane = this.next(); lane !== null && this.active < (this.options.parallel ?? 1); lane = this.next()) {
      this.active++;
      const started = performance.now();
      let requests = 0;
      let freed = false;
      const free = (): void => {
        if (freed) return;
        freed = true;
        this.active--;
        const now = performance.now();
        this.hold = { requests, until: now + (now - started) * HOLD_SHARE };
        // Off this thread, the next batch starts now; on it, the event loop first accepts connections and parses requests.
        if (this.options.offThread === true) this.pump();
        else setImmediate(() => this.pump());
      };
      const recordRequests = (batchRequests: number, tokens: number): void => {
        requests = batchRequests;
        record(batchRequests, tokens);
      };
      void lane.runBatch(this.options.maxBatchTokens, recordRequests, free).finally(free);
    }
  }

  /**
   * Whether the next batch waits for the requests that the clients of the batch just finished send next. Clients
   * mostly send a request once answered (a pool of 32 clients embedding a corpus keeps 32 in flight), so those
   * arrive together soon after the answers. Starting at once with whatever else waits splits them into a large
   * batch and a small one that alternate for good — at 32 clients on BERT-base, 31 and 1 — and the small batch
   * costs nearly a whole pass over the weights for little work (while the main thread answers the large one).
   * So after a batch of n requests, the next starts once n requests wait (at the end of the event loop's turn in
   * which they arrived), a full batch waits, or a quarter of the finished batch's compute time has passed: then it
   * takes what there is. Requests, not tokens: one client's next request may be shorter than its last, and must not
   * wait. Sets the timer for that deadline while it holds.
   */
  private held(): boolean {
    const hold = this.hold;
    if (hold === null) return false;
    const waiting = this.waitingRequests();
    const left = hold.until - performance.now();
    if (waiting > 0 && waiting < hold.requests && this.waitingTokens() < this.options.maxBatchTokens && left > 0) {
      this.timer = setTimeout(() => {
        this.hold = null;
        this.pump();
      }, left);
      return true;
    }
    if (waiting > 0 || left <= 0) this.hold = null;
    return false;
  }

  /** The lane whose oldest request has waited longest (first come, first served across kinds). */
  private next(): LaneQueue | null {
    let best: LaneQueue | null = null;
    let bestTime = Infinity;
    for (const lane of this.lanes) {
      const t = lane.oldest();
      if (t !== undefined && t < bestTime) {
        best = lane;
        bestTime = t;
      }
    }
    return best;
  }
}

interface Job<I, O> {
  items: I[];
  tokens: number;
  enqueued: number;
  resolve: (results: O[]) => void;
  reject: (error: unknown) => void;
}

export class Lane<I, O> implements LaneQueue {
  private readonly jobs: Job<I, O>[] = [];
  private tokens = 0;

  constructor(private readonly scheduler: Scheduler, private readonly run: (items: I[]) => Promise<O[]>) {}

  /**
   * Queues one request of `items` weighing `tokens` (for batch sizing); resolves with one result per item.
   * Throws OverloadedError synchronously when the scheduler's queue is full.
   */
  submit(items: I[], tokens: number): Promise<O[]> {
    this.scheduler.admit();
    return new Promise<O[]>((resolve, reject) => {
      this.jobs.push({ items, tokens, enqueued: performance.now(), resolve, reject });
      this.tokens += tokens;
      this.scheduler.notify();
    });
  }

  oldest(): number | undefined {
    return this.jobs[0]?.enqueued;
  }

  waitingTokens(): number {
    return this.tokens;
  }

  waitingRequests(): number {
    return this.jobs.length;
  }

  async runBatch(maxTokens: number, record: (requests: number, tokens: number) => void, computed: () => void): Promise<void> {
    const batch: Job<I, O>[] = [];
    let tokens = 0;
    while (this.jobs.length > 0 && (batch.length === 0 || tokens + this.jobs[0].tokens <= maxTokens)) {
      const job = this.jobs.shift() as Job<I, O>; // non-empty: checked by the loop condition
      batch.push(job);
      tokens += job.tokens;
    }
    this.tokens -= tokens;
    record(batch.length, tokens);
    try {
      const results = await this.run(batch.flatMap((job) => job.items));
      computed();
      let at = 0;
      for (const job of batch) {
        job.resolve(results.slice(at, at + job.items.length));
        at += job.items.length;
      }
    } catch (error) {
      if (batch.length > 1 && error instanceof BertkitError) await this.runAlone(batch);
      else for (const job of batch) job.reject(error);
    } finally {
      for (let i = 0; i < batch.length; i++) this.scheduler.release();
    }
  }

  /** Reruns each request of a failed batch by itself, so that only the bad ones fail. */
  private async runAlone(batch: readonly Job<I, O>[]): Promise<void> {
    for (const job of batch) {
      try {
        job.resolve(await this.run(job.items));
      } catch (error) {
        job.reject(error);
      }
    }
  }
}
