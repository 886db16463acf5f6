/**
 * The exchange on the real Redis at 127.0.0.1:6379 (skipped loudly without one; a failure under
 * SLUICE_REQUIRE_SERVICES=1): values keep their types, keys carry the run id and expire, runs stay
 * apart, `clear` removes a run's values, and too-big or unserialisable values are clear errors.
 */
import { after, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  ExchangeValueNotSerializableError,
  ExchangeValueTooLargeError,
} from '../../../src/runner/distributed/errors.ts';
import { RedisExchangeStore } from '../../../src/runner/distributed/redis-exchange-store.ts';
import { serviceOrSkip } from '../../support/services.ts';

let redis: Redis | undefined;
after(() => redis?.disconnect());

async function store(t: TestContext, limitBytes = 1024 * 1024): Promise<RedisExchangeStore | undefined> {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return undefined;
  redis ??= new Redis('redis://127.0.0.1:6379');
  return new RedisExchangeStore(redis, { limitBytes, ttlMs: 60_000 });
}

const runId = () => `test-run-${process.pid}-${randomBytes(3).toString('hex')}`;

test('values keep Dates, Maps, Sets, typed arrays, BigInts and nesting across the exchange', async (t) => {
  const exchange = await store(t);
  if (exchange === undefined) return;
  const run = runId();
  const value = {
    when: new Date('2026-12-06T00:00:00Z'),
    index: new Map<string, unknown>([['a', new Set([1, 2])]]),
    weights: new Float64Array([0.5, 1.5]),
    big: 2n ** 70n,
    nested: { deeper: [{ missing: undefined }] },
  };
  await exchange.put(run, 'features', 'build', value);
  const { found, value: back } = await exchange.get(run, 'features');
  assert.ok(found);
  assert.deepEqual(back, value);
  const typed = back as typeof value;
  assert.ok(
    typed.when instanceof Date && typed.index instanceof Map && typed.weights instanceof Float64Array,
  );
  await exchange.clear(run);
});

test("keys carry the run id and expire; runs stay apart; clear removes only that run's values", async (t) => {
  const exchange = await store(t);
  if (exchange === undefined) return;
  const [first, second] = [runId(), runId()];
  await exchange.put(first, 'rows', 'a', [1]);
  await exchange.put(second, 'rows', 'a', [2]);
  assert.deepEqual((await exchange.get(first, 'rows')).value, [1]);
  assert.deepEqual((await exchange.get(second, 'rows')).value, [2]);
  const ttl = await redis!.pttl(`sluice:run:${first}:data:rows`);
  assert.ok(ttl > 0 && ttl <= 60_000, `expires (pttl ${ttl})`);
  await exchange.clear(first);
  assert.equal(await exchange.has(first, 'rows'), false);
  assert.deepEqual(await exchange.get(first, 'rows'), { found: false });
  assert.equal(await exchange.has(second, 'rows'), true);
  assert.deepEqual(await redis!.keys(`sluice:run:${first}:*`), []);
  await exchange.clear(second);
});

test('a value over the limit or not serialisable is refused before it reaches Redis, naming dataset, node and fix', async (t) => {
  const exchange = await store(t, 1024);
  if (exchange === undefined) return;
  const run = runId();
  await assert.rejects(exchange.put(run, 'blob', 'make_blob', new Uint8Array(4096)), (error: Error) => {
    assert.ok(error instanceof ExchangeValueTooLargeError);
    assert.match(
      error.message,
      /Memory dataset "blob" written by node "make_blob" is 4\.0 KiB serialised, more than the exchange's limit of 1\.0 KiB/,
    );
    assert.match(error.hint ?? '', /Persist "blob" in the catalog/);
    return true;
  });
  await assert.rejects(exchange.put(run, 'model', 'train', { predict: () => 1 }), (error: Error) => {
    assert.ok(error instanceof ExchangeValueNotSerializableError);
    assert.match(
      error.message,
      /Memory dataset "model" written by node "train" cannot cross to other workers/,
    );
    assert.match(error.hint ?? '', /Persist "model" in the catalog/);
    return true;
  });
  assert.equal(await exchange.has(run, 'blob'), false);
});

test('a worker reads the values it stored from its own copies, each reader decoding its own, within the byte limit', async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  redis ??= new Redis('redis://127.0.0.1:6379');
  const exchange = new RedisExchangeStore(redis, {
    limitBytes: 1024 * 1024,
    ttlMs: 60_000,
    keepWrittenBytes: 64,
  });
  const run = runId();
  const small = exchange.encode('small', 'a', [1, 2]);
  const large = exchange.encode('large', 'a', 'x'.repeat(100));
  for (const [name, bytes] of [
    ['small', small],
    ['large', large],
  ] as const) {
    await exchange.write(redis.multi(), run, name, bytes).exec();
    exchange.keep(run, name, bytes);
  }
  // Redis no longer has them: what is still found comes from this process's copies.
  await redis.del(`sluice:run:${run}:data:small`, `sluice:run:${run}:data:large`);
  const first = await exchange.get(run, 'small');
  const second = await exchange.get(run, 'small');
  assert.deepEqual(first, { found: true, value: [1, 2] });
  assert.notEqual(first.value, second.value, 'every reader gets its own copy, as from Redis');
  assert.deepEqual(await exchange.get(run, 'large'), { found: false }, 'over the byte limit: not kept');
  assert.equal(await exchange.has(run, 'small'), true);
  await exchange.clear(run);
  assert.deepEqual(await exchange.get(run, 'small'), { found: false }, 'clear forgets the copies too');
});
