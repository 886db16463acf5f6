/**
 * A worker's batches to a run leave one after another: a batch waits for the one before it to be
 * confirmed, so that when a write is lost (Redis refused it) no later message, and above all no
 * `done` that announces the lost value, reaches the run after it. On the real Redis (skipped
 * loudly without one; a failure under SLUICE_REQUIRE_SERVICES=1). `CLIENT PAUSE WRITE` holds the
 * first batch in Redis, so that a second batch is ready to leave while the first is in flight.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisExchangeStore } from '../../../src/runner/distributed/redis-exchange-store.ts';
import { BATCH_FIELD, RedisJobReply } from '../../../src/runner/distributed/redis-job-reply.ts';
import { runKey } from '../../../src/runner/distributed/redis-keys.ts';
import { deserialize } from 'node:v8';
import { serviceOrSkip, servicesRequired } from '../../support/services.ts';

const clients: Redis[] = [];
after(() => {
  for (const client of clients) client.disconnect();
});

/** Opens the run's stream (the coordinator does) and a reply to the run over `redis`, once connected. */
async function openReply(admin: Redis, redis: Redis, runId: string): Promise<RedisJobReply> {
  const stream = runKey(runId, 'messages');
  await admin.xadd(stream, '*', 'opened', '1');
  await admin.pexpire(stream, 60_000);
  await redis.ping();
  return new RedisJobReply(
    redis,
    new RedisExchangeStore(redis, { limitBytes: 1 << 20, ttlMs: 60_000 }),
    runId,
  );
}

/** The node names of each batch on the run's stream, in order. */
async function batchesIn(admin: Redis, runId: string): Promise<string[][]> {
  const entries = await admin.xrangeBuffer(runKey(runId, 'messages'), '-', '+');
  return entries.flatMap(([, fields]) => {
    const at = fields.findIndex((field) => field.toString() === BATCH_FIELD);
    return at === -1 ? [] : [(deserialize(fields[at + 1]!) as { nodeName: string }[]).map((m) => m.nodeName)];
  });
}

test('a batch sent while an earlier one is in flight fails with it when the earlier one is refused', async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  const runId = `reply-chain-${process.pid}-${randomBytes(3).toString('hex')}`;
  const stream = runKey(runId, 'messages');
  const index = runKey(runId, 'datasets');
  const admin = new Redis('redis://127.0.0.1:6379');
  clients.push(admin);
  // A user that may write the run's stream and the value, not the run's dataset index: Redis
  // refuses the first batch when it queues it (NOPERM), and so discards all of it, as it does a
  // batch refused for want of memory (OOM) or on a read-only replica.
  const user = `sluice-test-${runId}`;
  try {
    await admin.call(
      'ACL',
      'SETUSER',
      user,
      'on',
      '>secret',
      '+@all',
      `~${stream}`,
      `~${runKey(runId, 'data', '*')}`,
    );
  } catch (error) {
    // ACL users came with Redis 6.0, CLIENT PAUSE WRITE with 6.2.
    const message = `this Redis can't make a user for the test (${(error as Error).message}): it needs Redis 6.2 or later`;
    if (servicesRequired) throw new Error(message, { cause: error });
    process.stderr.write(`\n!!! SKIPPED: ${message}.\n\n`);
    t.skip(message);
    return;
  }
  const redis = new Redis(`redis://${encodeURIComponent(user)}:secret@127.0.0.1:6379`);
  clients.push(redis);
  t.after(async () => {
    // The user's connection first: deleting the user would have Redis drop it and ioredis retry.
    redis.disconnect();
    await admin.call('ACL', 'DELUSER', user);
    await admin.del(stream, index, runKey(runId, 'data', 'rows'));
  });
  const reply = await openReply(admin, redis, runId);
  // Every client's writes wait meanwhile (other test files too): lifted in `finally`, and by Redis
  // itself after 10 s should this process die first.
  await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
  let first: Promise<void>;
  let second: Promise<void>;
  try {
    reply.exchange.put(runId, 'rows', 'first', [1, 2, 3]);
    first = reply.send({ type: 'done', nodeName: 'first' });
    first.catch(() => {});
    // The first batch leaves at the end of this turn and waits in Redis, paused.
    await turn();
    await turn();
    second = reply.send({ type: 'done', nodeName: 'second' });
    second.catch(() => {});
    await turn();
    await turn();
  } finally {
    await admin.call('CLIENT', 'UNPAUSE');
  }
  await assert.rejects(first, /EXECABORT|NOPERM/);
  await assert.rejects(second, /EXECABORT|NOPERM/, 'the second batch fails with the first');
  assert.equal(reply.failed, true);
  assert.deepEqual(await batchesIn(admin, runId), [], 'no done reached the run after the refused batch');
});

test('batches waiting for one in flight leave in order, and a batch the one before emptied sends nothing', async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  const runId = `reply-chain-${process.pid}-${randomBytes(3).toString('hex')}`;
  const stream = runKey(runId, 'messages');
  const admin = new Redis('redis://127.0.0.1:6379');
  const redis = new Redis('redis://127.0.0.1:6379');
  clients.push(admin, redis);
  t.after(() => admin.del(stream));
  const reply = await openReply(admin, redis, runId);
  const settled: string[] = [];
  const sent = (nodeName: string) =>
    reply.send({ type: 'done', nodeName }).then(() => void settled.push(nodeName));
  await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
  const sends: Promise<void>[] = [];
  try {
    sends.push(sent('first'));
    await turn();
    await turn();
    // The first batch waits in Redis; the second waits for it, the third for the second.
    sends.push(sent('second'));
    await turn();
    await turn();
    sends.push(sent('third'));
    await turn();
    await turn();
    assert.deepEqual(settled, [], 'nothing is confirmed while Redis holds the first batch');
  } finally {
    await admin.call('CLIENT', 'UNPAUSE');
  }
  await Promise.all(sends);
  assert.deepEqual(settled, ['first', 'second', 'third']);
  // The second batch left once the first was confirmed, with the third's message: the third had
  // nothing left to send.
  assert.deepEqual(await batchesIn(admin, runId), [['first'], ['second', 'third']]);
});
