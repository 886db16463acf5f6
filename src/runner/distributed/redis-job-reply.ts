import { serialize } from 'node:v8';
import type { ChainableCommander, Redis } from 'ioredis';
import type { ExchangeStore } from './exchange-store.ts';
import type { RedisExchangeStore } from './redis-exchange-store.ts';
import { runKey } from './redis-keys.ts';
import type { JobReply, RunMessage } from './transport.ts';

/** The field of a run-stream entry holding a V8-serialised array of run messages. */
export const BATCH_FIELD = 'b';

/**
 * How long relayed events and run messages may wait for the node's last word (`done`, `failed`,
 * `retrying`) so that they leave with it, in one batch. A node quicker than this costs one
 * transaction and one stream entry; a longer one's events reach the coordinator this much late.
 */
export const RELAY_HOLD_MS = 20;

/** The messages that end a job's turn: they leave at the end of the current turn of the event loop. */
const isLastWord = (message: RunMessage) =>
  message.type === 'done' || message.type === 'failed' || message.type === 'retrying';

/**
 * A worker process's way back to one run on Redis, shared by the run's jobs in that process (so
 * that a message one job's plugin sends through another job's reply still precedes the `done`
 * sent after it). Messages (relayed hook events, run messages, `done` or `failed`) and exchange
 * writes are queued and leave together: one MULTI holding the exchange writes and a single XADD
 * of the messages as one entry. The last word of a job leaves at the end
 * of the turn of the event loop it was sent in, with everything queued before it; other messages
 * and writes wait for it up to `RELAY_HOLD_MS`. A quick no-op node that relays a dozen hook events
 * so costs one write and one round trip instead of a dozen (and the coordinator one read), and a
 * memory output is written in the same transaction as the `done` that announces it, or an earlier
 * one (never after).
 * Batches leave in order on one connection, each once Redis confirmed the one before, so the run
 * reads messages in the order they were sent, and none after a batch Redis refused.
 */
export class RedisJobReply implements JobReply {
  readonly exchange: ExchangeStore;
  readonly #redis: Redis;
  readonly #stream: string;
  #messages: RunMessage[] = [];
  #writes: ((commands: ChainableCommander) => void)[] = [];
  /** What each write leaves in the store's own copies once it succeeded. */
  #written: (() => void)[] = [];
  #next: Promise<void> | undefined;
  /** The batch that left last, until Redis answered: the next one waits for it. */
  #inFlight: Promise<void> = Promise.resolve();
  /** Lets the pending batch leave. */
  #release: (() => void) | undefined;
  #hold: NodeJS.Timeout | undefined;
  /** A batch that failed (Redis lost): later sends fail with it, so `done` never follows a lost write. */
  #failure: Error | undefined;

  constructor(redis: Redis, store: RedisExchangeStore, runId: string) {
    this.#redis = redis;
    this.#stream = runKey(runId, 'messages');
    this.exchange = {
      put: (putRunId, datasetName, nodeName, value) => {
        // Checked now, so that a value too big or not serialisable fails the node in its save.
        const bytes = store.encode(datasetName, nodeName, value);
        this.#writes.push((commands) => store.write(commands, putRunId, datasetName, bytes));
        this.#written.push(() => store.keep(putRunId, datasetName, bytes));
        void this.#schedule(false).catch(() => {});
      },
      get: (getRunId, datasetName) => store.get(getRunId, datasetName),
      has: (hasRunId, datasetName) => store.has(hasRunId, datasetName),
      clear: (clearRunId) => store.clear(clearRunId),
    };
  }

  /** A batch failed (Redis lost): every later send fails too. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  send(message: RunMessage): Promise<void> {
    this.#messages.push(message);
    return this.#schedule(isLastWord(message));
  }

  /**
   * The pending batch: it leaves at the end of this turn of the event loop when `soon`, else once
   * `RELAY_HOLD_MS` passed (or earlier, with a last word).
   */
  #schedule(soon: boolean): Promise<void> {
    if (this.#next === undefined) {
      this.#next = new Promise<void>((resolve) => (this.#release = resolve)).then(() => {
        this.#next = undefined;
        clearTimeout(this.#hold);
        this.#hold = undefined;
        // One after the other: a batch Redis refused fails every later one (`#flush`), so no
        // message leaves after a lost write. The wait is a round trip at most, and batches
        // rarely overlap: a job's events wait for its last word.
        const flushed = this.#inFlight.then(
          () => this.#flush(),
          () => this.#flush(),
        );
        this.#inFlight = flushed;
        return flushed;
      });
      if (!soon) this.#hold = setTimeout(this.#release!, RELAY_HOLD_MS);
    }
    // Releasing twice, or a batch already gone, is harmless: each callback holds its own batch's release.
    if (soon) setImmediate(this.#release!);
    return this.#next;
  }

  async #flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const messages = this.#messages;
    const writes = this.#writes;
    const written = this.#written;
    // Taken by the batch before, which waited for its predecessor meanwhile.
    if (messages.length === 0 && writes.length === 0) return;
    this.#messages = [];
    this.#writes = [];
    this.#written = [];
    const commands = this.#redis.multi();
    for (const write of writes) write(commands);
    // NOMKSTREAM: a message after the run ended (its stream removed) goes nowhere, never recreating it.
    if (messages.length > 0) commands.xadd(this.#stream, 'NOMKSTREAM', '*', BATCH_FIELD, serialize(messages));
    try {
      const results = await commands.exec();
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
      for (const keep of written) keep();
    } catch (error) {
      this.#failure = error as Error;
      throw error;
    }
  }
}
