/**
 * How memory datasets hand data from one node to the next: one frozen value shared by every
 * consumer (the default), a copy per node when a dataset opts into `copy_mode: deepcopy`, and a
 * clear error naming the node and the dataset when a node writes to a frozen input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataCatalog, FrozenInputError, MemoryDataset, node, Pipeline } from '../../src/index.ts';
import { deepFreeze, deepFreezeNoting, isDeeplyFrozen } from '../../src/io/deep-freeze.ts';
import { runWith } from '../runner/helpers.ts';

describe('MemoryDataset: freeze handover (the default)', () => {
  it('hands every consumer the value the producer saved, frozen all the way down', () => {
    const dataset = new MemoryDataset('rows');
    const rows = [{ id: 1, tags: ['a'], nested: { deep: { x: 1 } } }];
    dataset.save(rows);
    const first = dataset.load();
    assert.equal(first, rows, 'no copy: the same array');
    assert.equal(dataset.load(), rows);
    assert.ok(Object.isFrozen(rows));
    assert.ok(Object.isFrozen(rows[0]));
    assert.ok(Object.isFrozen(rows[0]!.tags));
    assert.ok(Object.isFrozen(rows[0]!.nested.deep));
    assert.throws(() => {
      (rows[0] as { id: number }).id = 2;
    }, TypeError);
    assert.equal(rows[0]!.id, 1);
  });

  it('leaves class instances (typed arrays, Map, Date) as they are', () => {
    const dataset = new MemoryDataset('mixed');
    const values = new Float64Array([1, 2]);
    const lookup = new Map([['k', 1]]);
    const when = new Date(0);
    dataset.save({ values, lookup, when });
    const loaded = dataset.load() as { values: Float64Array; lookup: Map<string, number>; when: Date };
    assert.ok(Object.isFrozen(loaded));
    assert.equal(loaded.values, values);
    loaded.values[0] = 9;
    loaded.lookup.set('k', 2);
    assert.equal(values[0], 9);
    assert.equal(Object.isFrozen(when), false);
  });

  it('freezes data given to the constructor (catalog.feed) on its first load, not before', () => {
    const value = { n: 1 };
    const dataset = new MemoryDataset('fed', {}, { data: value });
    assert.equal(Object.isFrozen(value), false);
    assert.equal(dataset.load(), value);
    assert.ok(Object.isFrozen(value));
  });

  it('describes its copy mode', () => {
    assert.deepEqual(new MemoryDataset('x').describe(), { type: 'memory', copyMode: 'freeze' });
  });
});

describe('deepFreeze', () => {
  it('freezes cycles and long chains without recursion, and remembers frozen roots', () => {
    const cyclic: { self?: unknown; list: unknown[] } = { list: [] };
    cyclic.self = cyclic;
    cyclic.list.push(cyclic);
    deepFreeze(cyclic);
    assert.ok(Object.isFrozen(cyclic) && Object.isFrozen(cyclic.list));
    let chain: { next?: unknown } = {};
    const head = chain;
    for (let i = 0; i < 200_000; i++) chain = chain.next = {};
    deepFreeze(head);
    assert.ok(Object.isFrozen(chain));
    assert.ok(isDeeplyFrozen(head));
    assert.equal(isDeeplyFrozen({}), false);
    assert.ok(isDeeplyFrozen(5));
  });
});

describe('deepFreezeNoting', () => {
  it('freezes as deepFreeze does and says whether it found nothing but plain data', () => {
    const plain = [
      { id: 1, tags: ['a'] },
      { id: 2, nested: { x: null } },
    ];
    assert.equal(deepFreezeNoting(plain), true);
    assert.ok(Object.isFrozen(plain) && Object.isFrozen(plain[0]!.tags) && Object.isFrozen(plain[1]!.nested));
    assert.equal(deepFreezeNoting(plain), true, 'asked again: remembered');

    const when = new Date(0);
    const dated = [{ id: 1 }, { id: 2, when }, { id: 3, list: [1] }];
    assert.equal(deepFreezeNoting(dated), false);
    assert.ok(
      Object.isFrozen(dated[0]) && Object.isFrozen(dated[2]!.list),
      'every plain part frozen, past the Date',
    );
    assert.equal(Object.isFrozen(when), false);
    assert.equal(deepFreezeNoting(dated), false, 'asked again: still not plain');

    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    assert.equal(deepFreezeNoting(cyclic), true);
    assert.equal(
      deepFreezeNoting(() => 1),
      false,
    );
    assert.equal(deepFreezeNoting(7), true);
    const frozenBefore = deepFreeze([{ id: 1 }]);
    assert.equal(deepFreezeNoting(frozenBefore), true, 'frozen by deepFreeze, then looked inside');
  });

  it('looks inside objects frozen before: rows of a memory dataset, a value frozen only at its top', () => {
    const memoryRows = deepFreeze([{ id: 1, when: new Date(0) }, { id: 2 }]);
    assert.equal(deepFreezeNoting(memoryRows.filter(() => true)), false, 'a Date inside a frozen row');
    const inner = { n: 1 };
    const shallow = [Object.freeze({ id: 1, inner })];
    assert.equal(deepFreezeNoting(shallow), true);
    assert.ok(Object.isFrozen(inner), 'what was left unfrozen inside is frozen now');
    const cyclic: { self?: unknown; list: unknown[] } = { list: [] };
    cyclic.self = cyclic;
    cyclic.list.push(Object.freeze({ back: cyclic }));
    assert.equal(deepFreezeNoting(cyclic), true, 'a cycle through a frozen object ends');
  });
});

describe('memory handover in a run', () => {
  const produce = node(() => [{ id: 1, amount: 10 }], [], 'rows', { name: 'produce' });

  it('a node that writes to a frozen input fails with FrozenInputError naming node, dataset and the opt-in', async () => {
    const mutate = node(
      (rows: { id: number; amount: number }[]) => {
        rows[0]!.amount = 0;
        return rows.length;
      },
      'rows',
      'count',
      { name: 'zero_amounts' },
    );
    const { error, recording } = await runWith(new Pipeline([produce, mutate]), new DataCatalog());
    assert.ok(error instanceof FrozenInputError, `got ${String(error)}`);
    assert.equal(error.nodeName, 'zero_amounts');
    assert.deepEqual(error.datasets, ['rows']);
    assert.match(
      error.message,
      /Node "zero_amounts" tried to change its input dataset "rows" at .*memory-handover\.test\.ts:\d+:\d+/,
    );
    assert.match(error.hint ?? '', /copy_mode: deepcopy/);
    assert.ok(error.cause instanceof TypeError);
    // onNodeError saw the explained error, once: it is not retried.
    assert.ok(recording.errors.some((entry) => entry.hook === 'onNodeError' && entry.error === error));
  });

  it('with copy_mode deepcopy, each node gets its own copy and the producer keeps its value', async () => {
    const catalog = new DataCatalog();
    catalog.add('rows', new MemoryDataset('rows', { copyMode: 'deepcopy' }));
    const seen: number[] = [];
    const mutate = node(
      (rows: { amount: number }[]) => {
        rows[0]!.amount = 0;
        return rows[0]!.amount;
      },
      'rows',
      'zeroed',
      { name: 'mutate' },
    );
    const read = node(
      (rows: { amount: number }[], zeroed: number) => {
        seen.push(rows[0]!.amount, zeroed);
        return true;
      },
      ['rows', 'zeroed'],
      'done',
      { name: 'read' },
    );
    const { error } = await runWith(new Pipeline([produce, mutate, read]), catalog);
    assert.equal(error, undefined);
    assert.deepEqual(seen, [10, 0]);
  });

  it('a TypeError that has nothing to do with frozen inputs is left as it is', async () => {
    const broken = node(
      (rows: unknown[]) => {
        (rows as unknown as { nope: () => void }).nope();
        return 1;
      },
      'rows',
      'x',
      { name: 'broken' },
    );
    const { error } = await runWith(new Pipeline([produce, broken]), new DataCatalog());
    assert.ok(error instanceof TypeError);
    assert.equal(error instanceof FrozenInputError, false);
  });
});
