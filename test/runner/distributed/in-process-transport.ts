/**
 * A transport that keeps node jobs in this process, for testing the distributed runner's
 * scheduling without Redis: the test takes the queued jobs and answers them as a worker would
 * (`done` after putting outputs in the exchange, `failed`, relayed events). The exchange is a real
 * store with the same V8 encoding and size limit as the Redis one.
 */
import { setImmediate as tick } from 'node:timers/promises';
import type { ExchangeStore } from '../../../src/runner/distributed/exchange-store.ts';
import { decodeExchangeValue, encodeExchangeValue } from '../../../src/runner/distributed/exchange-store.ts';
import type {
  CoordinatorTransport,
  NodeJob,
  RunChannel,
  RunMessage,
} from '../../../src/runner/distributed/transport.ts';

export class MapExchangeStore implements ExchangeStore {
  readonly values = new Map<string, Buffer>();
  constructor(readonly limitBytes = 1024 * 1024) {}

  async put(runId: string, datasetName: string, nodeName: string, value: unknown): Promise<void> {
    this.values.set(
      `${runId}:${datasetName}`,
      encodeExchangeValue(datasetName, nodeName, value, this.limitBytes),
    );
  }
  async get(runId: string, datasetName: string): Promise<{ found: boolean; value?: unknown }> {
    const bytes = this.values.get(`${runId}:${datasetName}`);
    return bytes === undefined ? { found: false } : { found: true, value: decodeExchangeValue(bytes) };
  }
  async has(runId: string, datasetName: string): Promise<boolean> {
    return this.values.has(`${runId}:${datasetName}`);
  }
  async clear(runId: string): Promise<void> {
    for (const key of [...this.values.keys()]) if (key.startsWith(`${runId}:`)) this.values.delete(key);
  }
}

export class InProcessTransport implements CoordinatorTransport {
  readonly queue = 'in-process';
  readonly exchange = new MapExchangeStore();
  /** Jobs enqueued and not yet answered or withdrawn, in enqueue order. */
  readonly queued: NodeJob[] = [];
  /** Every node enqueued, in order. */
  readonly enqueued: string[] = [];
  workers = 1;
  /** The live workers' concurrency in all: how many jobs the coordinator keeps out at once. */
  slots = 8;
  closed = false;
  /** Times the coordinator announced the run's cancellation to the workers. */
  cancels = 0;
  /** Set it to a worker id to play a worker that reported the run lost while the coordinator lived on. */
  reportedBy: string | undefined;
  #receive: ((message: RunMessage) => void) | undefined;
  #waiters: (() => void)[] = [];

  async openRun(_runId: string, receive: (message: RunMessage) => void): Promise<RunChannel> {
    this.#receive = receive;
    return {
      enqueue: async (job) => {
        this.queued.push(job);
        this.enqueued.push(job.nodeName);
        for (const wake of this.#waiters.splice(0)) wake();
      },
      withdraw: async (nodeName, includeRetries) => {
        const index = this.queued.findIndex((job) => job.nodeName === nodeName);
        if (index < 0) return undefined;
        const { resume } = this.queued[index]!;
        if (resume !== undefined && !includeRetries) return undefined;
        this.queued.splice(index, 1);
        return { resume };
      },
      workers: async () => ({ alive: this.workers, slots: this.workers === 0 ? 0 : this.slots }),
      cancel: async () => {
        this.cancels++;
      },
      claimOutcome: async () => this.reportedBy,
      close: async () => {
        this.closed = true;
      },
    };
  }

  /** Waits until exactly these nodes are queued (order aside), then lets the coordinator settle. */
  async waitForQueued(count: number): Promise<string[]> {
    while (this.queued.length < count) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    // Give the coordinator the chance to enqueue more than asked, so that tests see it if it does.
    for (let i = 0; i < 20; i++) await tick();
    return this.queued.map((job) => job.nodeName).sort();
  }

  /** Answers a queued job as a worker would: outputs into the exchange, then `done`. */
  async complete(nodeName: string, outputs: Record<string, unknown> = {}): Promise<void> {
    const job = this.#take(nodeName);
    for (const [name, value] of Object.entries(outputs))
      await this.exchange.put(job.runId, name, nodeName, value);
    this.send({ type: 'done', nodeName });
  }

  /**
   * Hands a queued job's failed attempt back for a retry, as a worker would: `retrying`, and the
   * job back on the queue carrying where the node was.
   */
  handBack(nodeName: string, attempt: number, startedAtMs = Date.now()): void {
    const job = this.#take(nodeName);
    this.send({ type: 'retrying', nodeName, attempt, delayMs: 60_000 });
    this.queued.push({ ...job, resume: { attempt: attempt + 1, startedAtMs } });
    for (const wake of this.#waiters.splice(0)) wake();
  }

  fail(nodeName: string, message: string): void {
    this.#take(nodeName);
    this.send({
      type: 'failed',
      nodeName,
      error: { name: 'Error', message, stack: undefined },
    });
  }

  send(message: RunMessage): void {
    this.#receive!(message);
  }

  #take(nodeName: string): NodeJob {
    const index = this.queued.findIndex((job) => job.nodeName === nodeName);
    if (index < 0) throw new Error(`no queued job for ${nodeName}`);
    return this.queued.splice(index, 1)[0]!;
  }
}
