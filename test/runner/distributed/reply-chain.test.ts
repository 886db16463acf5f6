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
import { serviceOrSkip } from '../../support/services.ts';

const clients: Redis[] = [];
after(() => {
  for (const client of clients) client.disconnect();
});

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
  t.after(async () => {
    await admin.call('ACL', 'DELUSER', user);
    await admin.del(stream, index, runKey(runId, 'data', 'rows'));
  });
  // The run's stream exists: the coordinator made it.
  await admin.xadd(stream, '*', 'opened', '1');
  await admin.pexpire(stream, 60_000);
  const redis = new Redis(`redis://${encodeURIComponent(user)}:secret@127.0.0.1:6379`);
  clients.push(redis);
  const reply = new RedisJobReply(
    redis,
    new RedisExchangeStore(redis, { limitBytes: 1 << 20, ttlMs: 60_000 }),
    runId,
  );
  await redis.ping();
  await admin.call('CLIENT', 'PAUSE', '30000', 'WRITE');
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
  const entries = await admin.xrangeBuffer(stream, '-', '+');
  const sent = entries.flatMap(([, fields]) => {
    const at = fields.findIndex((field) => field.toString() === BATCH_FIELD);
    return at === -1 ? [] : (deserialize(fields[at + 1]!) as { nodeName?: string }[]);
  });
  assert.deepEqual(
    sent.map((message) => message.nodeName),
    [],
    'no done reached the run after the refused batch',
  );
});
