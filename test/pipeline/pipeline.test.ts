import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CircularDependencyError,
  DuplicateNodeNameError,
  node,
  OutputNotUniqueError,
  Pipeline,
  TranscodingError,
  UnknownNodeError,
} from '../../src/pipeline/index.ts';
import { diamond, layerNames, n, names, sorted } from './fixtures.ts';

test('an empty pipeline has no nodes and no layers', () => {
  const empty = new Pipeline();
  assert.equal(empty.size, 0);
  assert.deepEqual(empty.nodes, []);
  assert.deepEqual(empty.layers, []);
  assert.deepEqual([...empty.inputs()], []);
});

test('nodes run in topological order whatever the declared order', () => {
  const p = new Pipeline([n('n3', ['c'], ['d']), n('n1', ['a', 'params:x'], ['b']), n('n2', ['b'], ['c'])]);
  assert.deepEqual(names(p), ['n1', 'n2', 'n3']);
});

test('layers are Kahn layers sorted by full name in code-point order', () => {
  const p = new Pipeline([
    n('b', ['x'], ['y']),
    n('B', ['x'], ['z']),
    n('a', [], ['x']),
    n('n10', ['y', 'z'], ['w']),
    n('n2', ['y'], ['v']),
  ]);
  assert.deepEqual(layerNames(p), [['a'], ['B', 'b'], ['n10', 'n2']]);
  assert.deepEqual(names(p), ['a', 'B', 'b', 'n10', 'n2']);
});

test('a node goes in the layer after its deepest producer', () => {
  const p = new Pipeline([n('a', ['in'], ['x']), n('b', ['x'], ['y']), n('c', ['x', 'y'], ['z'])]);
  assert.deepEqual(layerNames(p), [['a'], ['b'], ['c']]);
});

test('layers sort by full name including the namespace', () => {
  const p = new Pipeline([
    n('n', ['a'], ['b'], { namespace: 'p' }),
    n('n', ['b'], ['c'], { namespace: 'q' }),
    n('n', ['c'], ['d']),
  ]);
  assert.deepEqual(layerNames(p), [['p.n'], ['q.n'], ['n']]);
});

test('layers are computed once and reused', () => {
  const p = diamond();
  assert.equal(p.layers, p.layers);
  assert.equal(p.nodes, p.nodes);
});

test('a pipeline can be built from pipelines and nodes', () => {
  const p = new Pipeline([new Pipeline([n('a', ['x'], ['y'])]), n('b', ['y'], ['z'])]);
  assert.deepEqual(names(p), ['a', 'b']);
});

test('a pipeline iterates its nodes in run order and can be copied', () => {
  const p = diamond();
  assert.deepEqual(
    [...p].map((x) => x.name),
    names(p),
  );
  assert.deepEqual(names(new Pipeline(p)), names(p));
});

test('anything but nodes and pipelines is rejected', () => {
  assert.throws(() => new Pipeline(['a' as never]), TypeError);
});

test('two nodes with the same full name are a DuplicateNodeNameError', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['a'], ['x']), n('n1', ['b'], ['y'])]),
    (error: unknown) => error instanceof DuplicateNodeNameError && error.names.join() === 'n1',
  );
});

test('the same node twice is a DuplicateNodeNameError (Kedro)', () => {
  const a = n('a', ['x'], ['y']);
  assert.throws(() => new Pipeline([a, a]), DuplicateNodeNameError);
});

test('the same short name in different namespaces is fine', () => {
  assert.doesNotThrow(() => new Pipeline([n('n', ['a'], ['b'], { namespace: 'p' }), n('n', ['c'], ['d'])]));
});

test('two producers of one dataset are an OutputNotUniqueError', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['a'], ['x']), n('n2', ['b'], ['x'])]),
    (error: unknown) => error instanceof OutputNotUniqueError && error.datasets.join() === 'x',
  );
});

test('two transcoded producers of one dataset are an OutputNotUniqueError', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['a'], ['x@csv']), n('n2', ['b'], ['x@parquet'])]),
    OutputNotUniqueError,
  );
  assert.throws(() => new Pipeline([n('n1', ['a'], ['x@csv', 'x@parquet'])]), OutputNotUniqueError);
});

test('a cycle is a CircularDependencyError that names the cycle in run direction', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['a', 'z'], ['x']), n('n2', ['x'], ['y']), n('n3', ['y'], ['z'])]),
    (error: unknown) =>
      error instanceof CircularDependencyError &&
      error.cycle.join() === 'n1,n2,n3' &&
      error.message.includes('"n1" -> "n2" -> "n3" -> "n1"'),
  );
});

test('the cycle reported is a real cycle even when other nodes hang off it', () => {
  assert.throws(
    () =>
      new Pipeline([
        n('src', ['in'], ['s']),
        n('p', ['s', 'q_out'], ['p_out']),
        n('q', ['p_out'], ['q_out']),
        n('after', ['q_out'], ['end']),
      ]),
    (error: unknown) => error instanceof CircularDependencyError && error.cycle.join() === 'p,q',
  );
});

test('a dataset used plain and transcoded is a TranscodingError', () => {
  assert.throws(
    () => new Pipeline([n('a', ['raw'], ['ds@spark']), n('b', ['ds'], ['out'])]),
    (error: unknown) => error instanceof TranscodingError && error.datasets.join() === 'ds',
  );
});

test('transcoded names are one dataset for dependencies', () => {
  const p = new Pipeline([
    n('load', ['raw'], ['ds@spark']),
    n('use', ['ds@pandas'], ['out']),
    n('other', ['raw'], ['o2']),
  ]);
  assert.deepEqual(layerNames(p), [['load', 'other'], ['use']]);
});

test('validation order: duplicate names before duplicate outputs', () => {
  assert.throws(() => new Pipeline([n('n1', ['a'], ['x']), n('n1', ['b'], ['x'])]), DuplicateNodeNameError);
});

test('validation order: duplicate names before transcoding', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['ds'], ['x']), n('n1', ['ds@a'], ['y'])]),
    DuplicateNodeNameError,
  );
});

test('validation order: transcoding before duplicate outputs', () => {
  assert.throws(() => new Pipeline([n('a', ['ds'], ['x']), n('b', ['ds@a'], ['x'])]), TranscodingError);
});

test('validation order: duplicate outputs before cycles', () => {
  assert.throws(
    () => new Pipeline([n('n1', ['y'], ['x']), n('n2', ['x'], ['y']), n('n3', ['q'], ['x'])]),
    OutputNotUniqueError,
  );
});

test('inputs() lists free inputs, params included, no intermediates', () => {
  assert.deepEqual(sorted(diamond().inputs()), ['params:alpha', 'params:beta', 'raw']);
});

test('outputs() lists free outputs only', () => {
  assert.deepEqual(sorted(diamond().outputs()), ['out', 'side_out']);
});

test('allInputs(), allOutputs() and datasets()', () => {
  const p = diamond();
  assert.deepEqual(sorted(p.allInputs()), ['l', 'l2', 'params:alpha', 'params:beta', 'r', 'r2', 'raw']);
  assert.deepEqual(sorted(p.allOutputs()), ['l', 'l2', 'out', 'r', 'r2', 'side_out']);
  assert.deepEqual(sorted(p.datasets()), [
    'l',
    'l2',
    'out',
    'params:alpha',
    'params:beta',
    'r',
    'r2',
    'raw',
    'side_out',
  ]);
});

test('inputs() and outputs() treat transcoded names as one dataset', () => {
  const p = new Pipeline([
    n('load', ['raw'], ['ds@spark']),
    n('use', ['ds@pandas'], ['out']),
    n('other', ['raw'], ['o2']),
  ]);
  assert.deepEqual(sorted(p.inputs()), ['raw']);
  assert.deepEqual(sorted(p.outputs()), ['o2', 'out']);
  assert.deepEqual(sorted(p.datasets()), ['ds@pandas', 'ds@spark', 'o2', 'out', 'raw']);
});

test('getNode() finds a node by full name and suggests close names', () => {
  const p = diamond();
  assert.equal(p.getNode('left').name, 'left');
  assert.ok(p.hasNode('join'));
  assert.ok(!p.hasNode('jion'));
  assert.throws(
    () => p.getNode('jion'),
    (error: unknown) => error instanceof UnknownNodeError && /Did you mean "join"\?/.test(error.message),
  );
});

test('producerOf() and consumersOf() answer by dataset, transcoding stripped', () => {
  const p = new Pipeline([n('load', ['raw'], ['ds@spark']), n('use', ['ds@pandas'], ['out'])]);
  assert.equal(p.producerOf('ds')?.name, 'load');
  assert.equal(p.producerOf('ds@pandas')?.name, 'load');
  assert.equal(p.producerOf('raw'), undefined);
  assert.deepEqual(
    p.consumersOf('ds').map((x) => x.name),
    ['use'],
  );
  assert.deepEqual(p.consumersOf('nothing'), []);
});

test('parentsOf() and childrenOf() give direct neighbours once each', () => {
  const p = diamond();
  assert.deepEqual(
    p
      .parentsOf('join')
      .map((x) => x.name)
      .sort(),
    ['left', 'right'],
  );
  assert.deepEqual(
    p
      .childrenOf('top')
      .map((x) => x.name)
      .sort(),
    ['left', 'right'],
  );
  assert.deepEqual(p.parentsOf(p.getNode('top')), []);
});

test('parentsOf() rejects a node that is not in the pipeline', () => {
  assert.throws(() => diamond().parentsOf(n('stranger', ['a'], ['b'])), UnknownNodeError);
});

test('a node reading two outputs of one parent depends on it once', () => {
  const p = new Pipeline([n('a', ['in'], ['x', 'y']), n('b', ['x', 'y'], ['z'])]);
  assert.deepEqual(layerNames(p), [['a'], ['b']]);
  assert.deepEqual(
    p.parentsOf('b').map((x) => x.name),
    ['a'],
  );
});

test('node() objects are accepted directly', () => {
  const p = new Pipeline([
    node((a: number) => a + 1, 'a', 'b', { name: 'inc' }),
    node((b: number) => b * 2, 'b', 'c', { name: 'dbl' }),
  ]);
  assert.deepEqual(names(p), ['inc', 'dbl']);
});
