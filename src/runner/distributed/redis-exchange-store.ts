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
  /**
   * Keep up to this many bytes of the values this process stored (a worker), most recent first,
   * so that a later node here reads them without a round trip. 0 (the default) keeps none.
   */
  readonly keepWrittenBytes?: number;
}

/**
 * The exchange on Redis: one string key per memory dataset of a run (`sluice:run:<runId>:data:<name>`)
 * holding its V8-serialised value, plus a set naming them so that `clear` finds them without
 * scanning. Every key expires after `ttlMs`; the coordinator removes them as its run ends.
 *
 * A worker also keeps the encoded bytes of the values it stored lately (`keepWrittenBytes`): a
 * node reading a value this worker's earlier node wrote decodes its own copy, as it would decode
 * Redis's, without the round trip. Within a run a dataset has one writer, so the copy is Redis's
 * value; only a node run twice (its first worker thought lost) may leave a different value in
 * Redis than the first worker kept, and then only if the node gives different results each time.
 */
export class RedisExchangeStore implements ExchangeStore {
  readonly #redis: Redis;
  readonly #options: RedisExchangeOptions;
  /** Encoded values this process stored, by key, oldest first. */
  readonly #kept = new Map<string, Buffer>();
  #keptBytes = 0;

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

  /** Keeps a value this process stored, once its write succeeded (see `keepWrittenBytes`). */
  keep(runId: string, datasetName: string, bytes: Buffer): void {
    const limit = this.#options.keepWrittenBytes ?? 0;
    const key = runKey(runId, 'data', datasetName);
    this.#forget(key); // an older copy is stale, whether or not this one is kept
    if (bytes.length > limit) return;
    this.#kept.set(key, bytes);
    this.#keptBytes += bytes.length;
    for (const oldest of this.#kept.keys()) {
      if (this.#keptBytes <= limit) break;
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const bytes = this.#kept.get(key);
    if (bytes === undefined) return;
    this.#kept.delete(key);
    this.#keptBytes -= bytes.length;
  }

  async get(runId: string, datasetName: string): Promise<{ found: boolean; value?: unknown }> {
    const key = runKey(runId, 'data', datasetName);
    const bytes = this.#kept.get(key) ?? (await this.#redis.getBuffer(key));
    return bytes === null ? { found: false } : { found: true, value: decodeExchangeValue(bytes) };
  }

  async has(runId: string, datasetName: string): Promise<boolean> {
    const key = runKey(runId, 'data', datasetName);
    return this.#kept.has(key) || (await this.#redis.exists(key)) === 1;
  }

  async clear(runId: string): Promise<void> {
    for (const key of [...this.#kept.keys()])
      if (key.startsWith(runKey(runId, 'data', ''))) this.#forget(key);
    const index = runKey(runId, 'datasets');
    const names = await this.#redis.smembers(index);
    await this.#redis.del(index, ...names.map((name) => runKey(runId, 'data', name)));
  }
}
