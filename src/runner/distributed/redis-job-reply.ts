import { serialize } from 'node:v8';
import type { ChainableCommander, Redis } from 'ioredis';
import type { ExchangeStore } from './exchange-store.ts';
import type { RedisExchangeStore } from './redis-exchange-store.ts';
import { runKey } from './redis-keys.ts';
import type { JobReply, RunMessage } from './transport.ts';

/** The field of a run-stream entry holding a V8-serialised array of run messages. */
export const BATCH_FIELD = 'b';

/**
 * One job's way back to its run on Redis. Messages (relayed hook events, run messages, `done` or
 * `failed`) and exchange writes are queued and leave together once per turn of the event loop: one
 * MULTI holding the exchange writes and a single XADD of the messages as one entry. A no-op node
 * that relays a dozen hook events so costs one write and one round trip instead of a dozen, and a
 * memory output is written in the same transaction as the `done` that announces it (never after).
 * Batches leave in order on one connection, so the run reads messages in the order they were sent.
 */
export class RedisJobReply implements JobReply {
  readonly exchange: ExchangeStore;
  readonly #redis: Redis;
  readonly #stream: string;
  #messages: RunMessage[] = [];
  #writes: ((commands: ChainableCommander) => void)[] = [];
  #next: Promise<void> | undefined;
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
        void this.#schedule().catch(() => {});
      },
      get: (getRunId, datasetName) => store.get(getRunId, datasetName),
      has: (hasRunId, datasetName) => store.has(hasRunId, datasetName),
      clear: (clearRunId) => store.clear(clearRunId),
    };
  }

  send(message: RunMessage): Promise<void> {
    this.#messages.push(message);
    return this.#schedule();
  }

  /** The batch that leaves at the end of this turn of the event loop. */
  #schedule(): Promise<void> {
    this.#next ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.#next = undefined;
      return this.#flush();
    });
    return this.#next;
  }

  async #flush(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const messages = this.#messages;
    const writes = this.#writes;
    this.#messages = [];
    this.#writes = [];
    const commands = this.#redis.multi();
    for (const write of writes) write(commands);
    // NOMKSTREAM: a message after the run ended (its stream removed) goes nowhere, never recreating it.
    if (messages.length > 0) commands.xadd(this.#stream, 'NOMKSTREAM', '*', BATCH_FIELD, serialize(messages));
    try {
      const results = await commands.exec();
      const failed = results?.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
    } catch (error) {
      this.#failure = error as Error;
      throw error;
    }
  }
}
