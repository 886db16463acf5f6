import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  node,
  Node,
  NodeDefinitionError,
  NodeInputError,
  NodeOutputError,
} from '../../src/pipeline/index.ts';
import { isPromiseLike } from '../../src/maybe-promise.ts';

function identity(x: unknown): unknown {
  return x;
}

function add(a: number, b: number): number {
  return a + b;
}

test('a node exposes its name, namespace, tags and wiring', () => {
  const n = node(add, ['a', 'b'], 'sum', { name: 'adder', namespace: 'math', tags: ['z', 'a'] });
  assert.equal(n.name, 'math.adder');
  assert.equal(n.shortName, 'adder');
  assert.equal(n.namespace, 'math');
  assert.deepEqual([...n.tags], ['a', 'z']);
  assert.deepEqual(n.inputs, ['a', 'b']);
  assert.deepEqual(n.outputs, ['sum']);
  assert.equal(n.func, add);
  assert.ok(n instanceof Node);
});

test('a node without namespace has its short name as full name', () => {
  const n = node(identity, 'a', 'b', { name: 'copy' });
  assert.equal(n.name, 'copy');
  assert.equal(n.namespace, undefined);
});

test('an empty or null namespace means no namespace', () => {
  assert.equal(node(identity, 'a', 'b', { name: 'n', namespace: '' }).name, 'n');
  assert.equal(node(identity, 'a', 'b', { name: 'n', namespace: null }).namespace, undefined);
});

test('a name is derived from the function and wiring when omitted', () => {
  assert.equal(node(add, ['in1', 'in2'], 'out').name, 'add([in1,in2]) -> [out]');
  assert.equal(node(add, ['in1', 'in2'], 'out', { namespace: 'ns' }).name, 'ns.add([in1,in2]) -> [out]');
  assert.equal(node(() => 1, null, 'x').name, 'anonymous([]) -> [x]');
});

test('a derived name is deterministic', () => {
  assert.equal(node(add, ['a', 'b'], 'c').name, node(add, ['a', 'b'], 'c').name);
});

test('record inputs list dataset names in the record key order', () => {
  const n = node(
    ({ df, rate }: { df: number; rate: number }) => df * rate,
    { df: 'raw', rate: 'params:rate' },
    'out',
  );
  assert.deepEqual(n.inputs, ['raw', 'params:rate']);
});

test('record outputs list dataset names in the record key order', () => {
  const n = node((x: number) => ({ train: x, test: x }), 'data', { train: 'train_set', test: 'test_set' });
  assert.deepEqual(n.outputs, ['train_set', 'test_set']);
});

test('null and undefined outputs mean no output', () => {
  assert.deepEqual(node(identity, 'a', null).outputs, []);
  assert.deepEqual(node(identity, 'a', undefined).outputs, []);
});

test('tags accept a single string and are deduplicated', () => {
  assert.deepEqual([...node(identity, 'a', 'b', { tags: 'x' }).tags], ['x']);
  assert.deepEqual([...node(identity, 'a', 'b', { tags: ['x', 'x', 'B'] }).tags], ['B', 'x']);
});

test('tags may come from a one-shot iterable and survive copies', () => {
  function* tags(): Generator<string> {
    yield 'one';
    yield 'two';
  }
  const n = node(identity, 'a', 'b', { tags: tags() });
  assert.deepEqual([...n.withChanges({ name: 'other' }).tags], ['one', 'two']);
});

test('a node with no inputs and no outputs is a definition error', () => {
  assert.throws(() => new Node(() => 1, null, null), NodeDefinitionError);
  assert.throws(() => new Node(() => 1, [], []), /must have some 'inputs' or 'outputs'/);
});

test('an output that is also an input is a definition error, even transcoded', () => {
  assert.throws(() => node(identity, 'a', 'a'), NodeDefinitionError);
  assert.throws(() => node(identity, 'a@pandas', 'a@spark'), /same dataset as input and output/);
});

test('a repeated output is a definition error', () => {
  assert.throws(() => node((x: number) => [x, x], 'a', ['b', 'b']), NodeDefinitionError);
});

test('a dataset name with two transcoding separators is a definition error', () => {
  assert.throws(() => node(identity, 'a@b@c', 'd'), NodeDefinitionError);
});

test('a non-function is a definition error', () => {
  assert.throws(() => new Node('nope' as never, 'a', 'b'), NodeDefinitionError);
});

test('wiring of the wrong type is a definition error', () => {
  assert.throws(() => new Node(identity, 42 as never, 'b'), NodeDefinitionError);
  assert.throws(() => new Node(identity, ['a', 3] as never, 'b'), NodeDefinitionError);
  assert.throws(() => new Node(identity, new Set(['a']) as never, 'b'), NodeDefinitionError);
  assert.throws(() => new Node(identity, 'a', ''), NodeDefinitionError);
});

test('invalid node names and tags are definition errors', () => {
  assert.throws(() => node(identity, 'a', 'b', { name: 'has space' }), NodeDefinitionError);
  assert.throws(() => node(identity, 'a', 'b', { tags: ['bad/tag'] }), NodeDefinitionError);
  assert.doesNotThrow(() => node(identity, 'a', 'b', { name: 'ok.name-1_ü', tags: ['t.1'] }));
});

test('a function needing more arguments than the inputs provide is a definition error', () => {
  assert.throws(() => new Node(add, ['a'], 'b'), /needs 2 argument\(s\)/);
  assert.throws(() => new Node(add, { a: 'x' }, 'b'), NodeDefinitionError);
  assert.throws(() => new Node(identity, null, 'b'), NodeDefinitionError);
});

test('parameters with defaults and rest parameters are optional', () => {
  assert.doesNotThrow(() => new Node((a: number, b = 1) => a + b, ['a'], 'c'));
  assert.doesNotThrow(() => new Node((...xs: number[]) => xs.length, ['a', 'b', 'c'], 'd'));
});

test('call() passes positional arguments for a list and returns outputs by name', () => {
  const n = node(add, ['x', 'y'], 'sum');
  assert.deepEqual(n.call({ x: 2, y: 3 }), { sum: 5 });
});

test('call() passes one argument for a single input', () => {
  assert.deepEqual(node((v: number) => v * 2, 'x', 'y').call({ x: 4 }), { y: 8 });
});

test('call() passes one object for record inputs', () => {
  const n = node(
    ({ df, rate }: { df: number; rate: number }) => df * rate,
    { df: 'raw', rate: 'params:rate' },
    'out',
  );
  assert.deepEqual(n.call({ raw: 10, 'params:rate': 0.5 }), { out: 5 });
});

test('call() with no inputs calls the function with no argument', () => {
  let received = -1;
  const n = node(
    (...args: unknown[]) => {
      received = args.length;
      return 1;
    },
    null,
    'x',
  );
  n.call({});
  assert.equal(received, 0);
});

test('call() does not bind `this` to the node', () => {
  const n = new Node(
    function (this: unknown) {
      return this;
    },
    null,
    'x',
  );
  assert.deepEqual(n.call({}), { x: undefined });
});

test('call() maps a returned array onto list outputs', () => {
  const n = node((x: number) => [x, x + 1], 'x', ['a', 'b']);
  assert.deepEqual(n.call({ x: 1 }), { a: 1, b: 2 });
});

test('call() maps a returned object onto record outputs', () => {
  const n = node((x: number) => ({ low: x, high: x * 10 }), 'x', { low: 'small', high: 'big' });
  assert.deepEqual(n.call({ x: 2 }), { small: 2, big: 20 });
});

test('call() ignores the return value of a node without outputs', () => {
  assert.deepEqual(node((x: number) => x, 'x', null).call({ x: 1 }), {});
});

test('call() of a sync function is synchronous', () => {
  const result = node(identity, 'a', 'b').call({ a: 1 });
  assert.equal(isPromiseLike(result), false);
  assert.deepEqual(result, { b: 1 });
});

test('call() of an async function returns a promise of the outputs', async () => {
  const n = node(async (x: number) => [x, x * 2], 'x', ['a', 'b']);
  const result = n.call({ x: 3 });
  assert.ok(result instanceof Promise);
  assert.deepEqual(await result, { a: 3, b: 6 });
});

test('call() accepts a thenable from the function', async () => {
  const thenable = { then: (resolve: (v: number) => void) => resolve(7) };
  const n = new Node(() => thenable, null, 'x');
  assert.deepEqual(await n.call({}), { x: 7 });
});

test('call() rejects when an async function returns a value that does not fit', async () => {
  const n = new Node(async () => 1, null, ['a', 'b']);
  await assert.rejects(async () => n.call({}), NodeOutputError);
});

test('errors thrown by the function propagate unchanged', () => {
  const boom = new Error('boom');
  const n = node(
    () => {
      throw boom;
    },
    null,
    'x',
  );
  assert.throws(
    () => n.call({}),
    (error) => error === boom,
  );
});

test('a missing input value is a NodeInputError naming the node and the dataset', () => {
  const n = node(add, ['x', 'y'], 'sum', { name: 'adder' });
  assert.throws(
    () => n.call({ x: 1 }),
    (error: unknown) =>
      error instanceof NodeInputError &&
      error.nodeName === 'adder' &&
      error.missing.join() === 'y' &&
      /adder/.test(error.message),
  );
});

test('an unexpected input value is a NodeInputError', () => {
  const n = node(identity, 'x', 'y');
  assert.throws(
    () => n.call({ x: 1, z: 2 }),
    (error: unknown) => error instanceof NodeInputError && error.unexpected.join() === 'z',
  );
});

test('an input value of undefined counts as given', () => {
  assert.deepEqual(node(identity, 'x', 'y').call({ x: undefined }), { y: undefined });
});

test('a node may read the same dataset twice', () => {
  assert.deepEqual(node(add, ['x', 'x'], 'y').call({ x: 2 }), { y: 4 });
});

test('a non-array returned for list outputs is a NodeOutputError naming the node', () => {
  const n = new Node(() => 5, null, ['a', 'b'], { name: 'pair' });
  assert.throws(
    () => n.call({}),
    (error: unknown) => error instanceof NodeOutputError && error.nodeName === 'pair',
  );
});

test('an array of the wrong length is a NodeOutputError', () => {
  const n = node(() => [1, 2, 3], null, ['a', 'b']);
  assert.throws(() => n.call({}), /returned 3 value\(s\), but 2 outputs are declared/);
});

test('a non-object returned for record outputs is a NodeOutputError', () => {
  const n = new Node(() => [1, 2], null, { a: 'x', b: 'y' });
  assert.throws(() => n.call({}), NodeOutputError);
  assert.throws(() => n.mapOutputs(null), NodeOutputError);
});

test('an object with missing or extra keys is a NodeOutputError', () => {
  const n = new Node(() => 0, null, { a: 'x', b: 'y' });
  assert.throws(() => n.mapOutputs({ a: 1 }), NodeOutputError);
  assert.throws(() => n.mapOutputs({ a: 1, b: 2, c: 3 }), NodeOutputError);
  assert.deepEqual(n.mapOutputs({ b: 2, a: 1 }), { x: 1, y: 2 });
});

test('mapOutputs() maps a single output to its name', () => {
  assert.deepEqual(node(identity, 'a', 'b').mapOutputs([1, 2]), { b: [1, 2] });
});

test('withChanges() copies with new wiring, name and namespace, and validates again', () => {
  const n = node(add, ['a', 'b'], 'c', { name: 'adder', tags: ['t'] });
  const copy = n.withChanges({ inputs: ['x', 'y'], namespace: 'ns' });
  assert.equal(copy.name, 'ns.adder');
  assert.deepEqual(copy.inputs, ['x', 'y']);
  assert.deepEqual([...copy.tags], ['t']);
  assert.equal(copy.func, add);
  assert.deepEqual(n.inputs, ['a', 'b']);
  assert.throws(() => n.withChanges({ outputs: 'a' }), NodeDefinitionError);
});

test('withChanges() derives the name again when it was derived', () => {
  const n = node(add, ['a', 'b'], 'c');
  assert.equal(n.withChanges({ outputs: 'd' }).name, 'add([a,b]) -> [d]');
});

test('withChanges() keeps options that later features add', () => {
  const n = new Node(identity, 'a', 'b', { name: 'n', retries: 3 } as never);
  assert.equal((n.withChanges({ namespace: 'x' }).options as Record<string, unknown>).retries, 3);
});

test('withChanges() keeps the record shape of the wiring', () => {
  const n = node(({ v }: { v: number }) => ({ out: v }), { v: 'a' }, { out: 'b' });
  const copy = n.withChanges({ inputs: { v: 'z' }, outputs: { out: 'w' } });
  assert.deepEqual(copy.call({ z: 4 }), { w: 4 });
});

test('withTags() adds tags and returns the same node when nothing changes', () => {
  const n = node(identity, 'a', 'b', { tags: 'x' });
  assert.deepEqual([...n.withTags(['y']).tags], ['x', 'y']);
  assert.equal(n.withTags('x'), n);
});

test('identityKey ignores functions and tags but not name or wiring', () => {
  const a = node(identity, 'a', 'b', { name: 'n', tags: 't' });
  const b = node((x: unknown) => x, 'a', 'b', { name: 'n' });
  assert.equal(a.identityKey, b.identityKey);
  assert.notEqual(a.identityKey, node(identity, 'a', 'c', { name: 'n' }).identityKey);
  assert.notEqual(a.identityKey, node(identity, 'a', 'b', { name: 'm' }).identityKey);
});

test('identityKey treats records with the same entries in another order as equal', () => {
  const f = ({ p, q }: { p: number; q: number }) => p + q;
  assert.equal(
    node(f, { p: 'a', q: 'b' }, 'c', { name: 'n' }).identityKey,
    node(f, { q: 'b', p: 'a' }, 'c', { name: 'n' }).identityKey,
  );
});

test('baseInputs and baseOutputs strip transcoding and repeats', () => {
  const n = node(add, ['a@pandas', 'a@spark'], 'b@csv');
  assert.deepEqual(n.baseInputs, ['a']);
  assert.deepEqual(n.baseOutputs, ['b']);
});

test('the wiring arrays are copies', () => {
  const inputs = ['a', 'b'];
  const n = new Node(add, inputs, 'c');
  inputs.push('z');
  assert.deepEqual(n.inputs, ['a', 'b']);
});

test('toString() shows the name and wiring', () => {
  assert.equal(String(node(add, ['a', 'b'], 'c', { name: 'adder' })), 'adder: add([a,b]) -> [c]');
});
