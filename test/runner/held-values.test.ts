/**
 * HeldValues.preferFor: which ready node each idle worker wants, by what it holds; and a value
 * reported by a worker that has died is lost at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataCatalog, node } from '../../src/index.ts';
import { HeldValues } from '../../src/runner/parallel/held-values.ts';
import type { WorkerHandle } from '../../src/runner/parallel/worker-handle.ts';

/** Just what HeldValues asks of a worker. */
function fakeWorker(threadId: number, alive = true): WorkerHandle {
  return {
    threadId,
    alive,
    onExit: () => {},
    unshare: () => {},
    saved: () => {},
    release: () => {},
  } as unknown as WorkerHandle;
}

const reads = (name: string, ...inputs: string[]) =>
  node((...values: unknown[]) => values.length, inputs, `${name}_out`, { name });

test('preferFor: an idle worker wants the node reading a value only it keeps, one node per round', () => {
  const held = new HeldValues();
  const [w1, w2] = [fakeWorker(1), fakeWorker(2)];
  held.add('features_1', w1, 50_000);
  held.add('features_2', w2, 50_000);
  const preference = held.preferFor([w1, w2], 2)!;
  assert.equal(preference.wants(reads('features_3', 'events_3')), false, 'reads nothing held');
  assert.equal(preference.wants(reads('fit_1', 'features_1')), true);
  assert.equal(preference.wants(reads('k_means_1', 'features_1')), false, 'w1 has its node this round');
  assert.equal(preference.exhausted, false);
  assert.equal(preference.wants(reads('fit_2', 'features_2')), true);
  assert.equal(preference.exhausted, true);
});

test('preferFor: a worker that is busy wants nothing; nothing held, no preference', () => {
  const held = new HeldValues();
  const [w1, w2] = [fakeWorker(1), fakeWorker(2)];
  assert.equal(held.preferFor([w1, w2], 2), undefined);
  held.add('features_1', w1, 50_000);
  assert.equal(held.preferFor([], 2), undefined);
  assert.equal(held.preferFor([w2], 2)!.wants(reads('fit_1', 'features_1')), false);
});

test('preferFor: what every worker holds draws no node; a shared load only one holds does', () => {
  const held = new HeldValues();
  const [w1, w2] = [fakeWorker(1), fakeWorker(2)];
  held.setSharing(w1, ['users', 'events_1']);
  held.setSharing(w2, ['users']);
  const preference = held.preferFor([w1, w2], 2)!;
  assert.equal(preference.wants(reads('features_3', 'events_3', 'users')), false);
  assert.equal(preference.wants(reads('group_stats_1', 'events_1')), true);
  // With a third worker that lacks it, `users` would draw a node.
  assert.equal(held.preferFor([w1], 3)!.wants(reads('features_3', 'events_3', 'users')), true);
});

test('preferFor: a node is wanted by the worker the runner sends it to (the one keeping the most of its inputs)', () => {
  const held = new HeldValues();
  const [w1, w2] = [fakeWorker(1), fakeWorker(2)];
  held.add('small', w1, 10);
  held.add('large', w2, 90_000);
  const both = reads('evaluate', 'small', 'large');
  assert.equal(held.preferFor([w1], 2)!.wants(both), false, 'it would go to w2, which is busy');
  assert.equal(held.preferFor([w1, w2], 2)!.wants(both), true);
});

test('a value a dead worker reports keeping is lost: its reader fails naming the thread', () => {
  const held = new HeldValues();
  held.add('features', fakeWorker(7, false), 50_000);
  assert.equal(held.holderOf('features'), undefined);
  assert.throws(
    () => held.assertNotLost('fit', ['features'], new DataCatalog()),
    /Node "fit" can't run: its input "features" was kept by worker thread 7, which died\./,
  );
});
