/**
 * The parallel runner's main-thread lane: one node at a time, handed out in the order asked, and
 * a node that also waits for a worker (a `LaneClaim`) is skipped once a worker took it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LaneClaim, MainThreadLane } from '../../src/runner/parallel/main-thread-lane.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('one caller at a time, in the order they asked; idle and onlyBound say what runs or waits', async () => {
  const lane = new MainThreadLane();
  assert.ok(lane.idle);
  await lane.acquire(true);
  assert.ok(!lane.idle);
  assert.ok(lane.onlyBound, 'only a bound node runs');
  const order: string[] = [];
  const second = lane.acquire(false).then(() => order.push('second'));
  const third = lane.acquire(true).then(() => order.push('third'));
  assert.ok(!lane.onlyBound, 'an unbound node waits');
  await tick();
  assert.deepEqual(order, [], 'nothing granted while the lane is held');
  lane.release();
  await second;
  lane.release();
  await third;
  assert.deepEqual(order, ['second', 'third']);
  lane.release();
  assert.ok(lane.idle);
});

test('a claim another lane took first is skipped, and a claim the lane takes is withdrawn elsewhere', async () => {
  const lane = new MainThreadLane();
  await lane.acquire(false);
  const takenByWorker = new LaneClaim();
  let skippedGranted = false;
  void lane.acquire(false, takenByWorker).then(() => (skippedGranted = true));
  const mine = new LaneClaim();
  const granted = lane.acquire(false, mine);
  assert.equal(takenByWorker.take(), true, 'a worker offers first');
  assert.ok(!lane.onlyBound);
  lane.release();
  await granted;
  assert.equal(skippedGranted, false, 'the node a worker took never gets the main thread');
  assert.equal(mine.taken, true);
  assert.equal(mine.signal.aborted, true, 'the worker pool is told to stop waiting for it');
  assert.equal(mine.take(), false, 'a later offer is turned down');
  lane.release();
  assert.ok(lane.idle);
});

test('with a worker busy, a node that could run on it gets the freed main thread only after the event loop turned: a worker heard meanwhile can take it', async () => {
  const lane = new MainThreadLane(() => true);
  await lane.acquire(false);
  const claim = new LaneClaim();
  let granted = false;
  void lane.acquire(false, claim).then(() => (granted = true));
  lane.release();
  await Promise.resolve();
  assert.equal(granted, false, 'not granted in the same turn');
  assert.equal(lane.idle, false, 'the lane is held for it meanwhile');
  assert.equal(claim.take(), true, 'the worker, heard meanwhile, takes the node');
  await tick();
  await tick();
  assert.equal(granted, false, 'the main thread never runs it');
  assert.ok(lane.idle);
});
