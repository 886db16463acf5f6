/**
 * The parallel runner's plan for shared loads (`ShareDispatch`): which persisted datasets the run
 * shares, and, as each node is sent to a thread, whether readers of its shared inputs remain.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dataset } from '../../src/index.ts';
import { DataCatalog, node, Pipeline } from '../../src/index.ts';
import { NO_SHARE, ShareDispatch } from '../../src/runner/parallel/share-dispatch.ts';

function fileLike(shareLoads?: boolean): Dataset {
  return {
    load: () => [{ id: 1 }],
    save: () => undefined,
    exists: () => true,
    release: () => undefined,
    describe: () => ({ type: 'file-like' }),
    ...(shareLoads === undefined ? {} : { shareLoads }),
  };
}

const pipeline = new Pipeline([
  node((rows: unknown, users: unknown) => [rows, users], ['events', 'users'], 'a', { name: 'a' }),
  node((rows: unknown, users: unknown) => [rows, users], ['events', 'users'], 'b', { name: 'b' }),
  node((users: unknown, live: unknown) => [users, live], ['users', 'live'], 'c', { name: 'c' }),
  node((live: unknown, a: unknown) => [live, a], ['live', 'a'], 'd', { name: 'd' }),
]);

test('plans the persisted datasets two or more nodes read, counting readers left as nodes are sent', () => {
  const catalog = new DataCatalog({
    datasets: { events: fileLike(), users: fileLike(), live: fileLike(false) },
  });
  const dispatch = new ShareDispatch(pipeline, catalog);
  assert.deepEqual(
    [...dispatch.names()].sort(),
    ['events', 'users'],
    'not live (shareLoads = false), not memory a',
  );
  const [a, b, c, d] = pipeline.nodes;
  assert.deepEqual(dispatch.send(a!), { events: true, users: true });
  assert.deepEqual(dispatch.send(c!), { users: true });
  assert.deepEqual(dispatch.send(b!), { events: false, users: false }, 'the last reader of both');
  assert.equal(dispatch.send(d!), NO_SHARE);
});

test('is empty when nothing is shared (share_loads off everywhere, or one reader each)', () => {
  const catalog = new DataCatalog({
    datasets: { events: fileLike(false), users: fileLike(false), live: fileLike(false) },
  });
  assert.ok(new ShareDispatch(pipeline, catalog).empty);
});
