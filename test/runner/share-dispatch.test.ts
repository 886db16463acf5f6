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

test('plans a cached dataset one node saves and one reads: its saver keeps the value for that reader', async () => {
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: {
      made: { type: 'json', filepath: 'made.json', cached: true },
      plain: { type: 'json', filepath: 'plain.json' },
    },
    projectPath: '/nonexistent-project',
  });
  const chain = new Pipeline([
    node(() => [[1], [2]], [], ['made', 'plain'], { name: 'make' }),
    node((made: unknown, plain: unknown) => [made, plain], ['made', 'plain'], 'both', { name: 'read' }),
  ]);
  await catalog.materialize(chain.datasets());
  const dispatch = new ShareDispatch(chain, catalog);
  assert.deepEqual([...dispatch.names()], ['made'], 'not plain: one reader, not cached');
  const [make, read] = chain.nodes;
  assert.deepEqual(dispatch.send(make!), { made: true }, 'the saver: a reader is to come');
  assert.deepEqual(dispatch.sharedInputs(read!), ['made']);
  assert.deepEqual(dispatch.send(read!), { made: false }, 'the last reader');
});
