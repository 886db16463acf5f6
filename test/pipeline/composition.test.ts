import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateNodeNameError, OutputNotUniqueError, Pipeline } from '../../src/pipeline/index.ts';
import { diamond, n, names, sorted } from './fixtures.ts';

function nodeNames(p: Pipeline): string[] {
  return sorted(p.nodes.map((x) => x.name));
}

const a = n('a', ['in'], ['x']);
const b = n('b', ['x'], ['y']);
const c = n('c', ['y'], ['z']);

test('union joins the nodes and orders them again', () => {
  const p = new Pipeline([c]).union(new Pipeline([a, b]));
  assert.deepEqual(names(p), ['a', 'b', 'c']);
});

test('union keeps the same node once', () => {
  const p = new Pipeline([a, b]).union(new Pipeline([b, c]));
  assert.deepEqual(names(p), ['a', 'b', 'c']);
});

test('union treats nodes with the same name and wiring as the same node', () => {
  const twin = n('b', ['x'], ['y'], { tags: ['other'] });
  const p = new Pipeline([a, b]).union(new Pipeline([twin]));
  assert.equal(p.size, 2);
  assert.equal(p.getNode('b'), b);
});

test('union of different nodes with one name is a DuplicateNodeNameError', () => {
  assert.throws(
    () => new Pipeline([b]).union(new Pipeline([n('b', ['x'], ['other'])])),
    DuplicateNodeNameError,
  );
});

test('union of two producers of one dataset is an OutputNotUniqueError', () => {
  assert.throws(() => new Pipeline([a]).union(new Pipeline([n('a2', ['q'], ['x'])])), OutputNotUniqueError);
});

test('union takes any number of pipelines', () => {
  assert.deepEqual(names(new Pipeline([a]).union(new Pipeline([b]), new Pipeline([c]))), ['a', 'b', 'c']);
  assert.equal(new Pipeline([a]).union().size, 1);
});

test('Pipeline.sum joins a list of pipelines; an empty list gives an empty pipeline', () => {
  assert.deepEqual(names(Pipeline.sum([new Pipeline([c]), new Pipeline([b]), new Pipeline([a])])), [
    'a',
    'b',
    'c',
  ]);
  assert.equal(Pipeline.sum([]).size, 0);
});

test('Pipeline.sum joins many small pipelines into one chain', () => {
  // Speed is measured by bench/pipeline.ts; this checks the result of a large sum.
  const parts = Array.from({ length: 2000 }, (_, i) => new Pipeline([n(`p${i}`, [`d${i}`], [`d${i + 1}`])]));
  const total = Pipeline.sum(parts.reverse());
  assert.equal(total.size, 2000);
  assert.equal(total.layers.length, 2000);
  assert.equal(total.nodes[0]!.name, 'p0');
});

test('difference removes the nodes of the other pipeline', () => {
  assert.deepEqual(nodeNames(diamond().difference(diamond().onlyNodes('join', 'side'))), [
    'left',
    'right',
    'top',
  ]);
});

test('difference and intersection match equal nodes, not only the same objects', () => {
  const copy = new Pipeline([n('b', ['x'], ['y'])]);
  assert.deepEqual(names(new Pipeline([a, b]).difference(copy)), ['a']);
  assert.deepEqual(names(new Pipeline([a, b]).intersection(copy)), ['b']);
});

test('a node with the same name but other wiring is a different node', () => {
  const other = new Pipeline([n('b', ['x'], ['w'])]);
  assert.deepEqual(names(new Pipeline([a, b]).difference(other)), ['a', 'b']);
  assert.equal(new Pipeline([a, b]).intersection(other).size, 0);
});

test('intersection keeps the shared nodes', () => {
  assert.deepEqual(nodeNames(diamond().intersection(diamond().onlyNodesWithTags('t1'))), ['join', 'top']);
});

test('withTags tags every node', () => {
  const tagged = diamond().withTags('all');
  assert.ok(tagged.nodes.every((x) => x.tags.has('all')));
  assert.ok(tagged.getNode('top').tags.has('t1'));
  assert.deepEqual(names(tagged), names(diamond()));
});
