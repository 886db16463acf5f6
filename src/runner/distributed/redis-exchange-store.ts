import type { ChainableCommander, Redis } from 'ioredis';
import type { ExchangeStore } from './exchange-store.ts';
import { decodeExchangeValue, encodeExchangeValue } from './exchange-store.ts';
import { runKey } from './redis-keys.ts';

/** How the Redis exchange stores values. */
export interface RedisExchangeOptions {
  /** The largest serialised value it takes (bytes). */
  readonly limitBytes: number;
  /** How long a run's values live if nobody removes them (a coordinator that died). */
  readonly ttlMs: number;
}

/**
 * The exchange on Redis: one string key per memory dataset of a run (`sluice:run:<runId>:data:<name>`)
 * holding its V8-serialised value, plus a set naming them so that `clear` finds them without
 * scanning. Every key expires after `ttlMs`; the coordinator removes them as its run ends.
 */
export class RedisExchangeStore implements ExchangeStore {
  readonly #redis: Redis;
  readonly #options: RedisExchangeOptions;

  constructor(redis: Redis, options: RedisExchangeOptions) {
    this.#redis = redis;
    this.#options = options;
  }

  async put(runId: string, datasetName: string, nodeName: string, value: unknown): Promise<void> {
    const bytes = this.encode(datasetName, nodeName, value);
    await this.write(this.#redis.multi(), runId, datasetName, bytes).exec();
  }

  /** Serialises a value within the limit (the errors of `encodeExchangeValue`). */
  encode(datasetName: string, nodeName: string, value: unknown): Buffer {
    return encodeExchangeValue(datasetName, nodeName, value, this.#options.limitBytes);
  }

  /** Adds the commands that store an encoded value to a transaction (a job's batch, or `put`'s own). */
  write(commands: ChainableCommander, runId: string, datasetName: string, bytes: Buffer): ChainableCommander {
    const { ttlMs } = this.#options;
    const index = runKey(runId, 'datasets');
    return commands
      .set(runKey(runId, 'data', datasetName), bytes, 'PX', ttlMs)
      .sadd(index, datasetName)
      .pexpire(index, ttlMs);
  }

  async get(runId: string, datasetName: string): Promise<{ found: boolean; value?: unknown }> {
    const bytes = await this.#redis.getBuffer(runKey(runId, 'data', datasetName));
    return bytes === null ? { found: false } : { found: true, value: decodeExchangeValue(bytes) };
  }

  async has(runId: string, datasetName: string): Promise<boolean> {
    return (await this.#redis.exists(runKey(runId, 'data', datasetName))) === 1;
  }

  async clear(runId: string): Promise<void> {
    const index = runKey(runId, 'datasets');
    const names = await this.#redis.smembers(index);
    await this.#redis.del(index, ...names.map((name) => runKey(runId, 'data', name)));
  }
}
