import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DuplicateNodeNameError,
  EmptyPipelineError,
  Pipeline,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from '../../src/pipeline/index.ts';
import { diamond, layerNames, n, namespaced, sorted } from './fixtures.ts';

function nodeNames(p: Pipeline): string[] {
  return sorted(p.nodes.map((x) => x.name));
}

function transcoded(): Pipeline {
  return new Pipeline([
    n('load', ['raw'], ['ds@spark']),
    n('use', ['ds@pandas'], ['out']),
    n('other', ['raw'], ['o2']),
  ]);
}

// ----- onlyNodes -----

test('onlyNodes keeps exactly the named nodes', () => {
  assert.deepEqual(nodeNames(namespaced().onlyNodes('ns1.a', 'd')), ['d', 'ns1.a']);
});

test('onlyNodes needs full names and points to the namespaced one', () => {
  assert.throws(
    () => namespaced().onlyNodes('a'),
    (error: unknown) => error instanceof UnknownNodeError && error.message.includes('Did you mean "ns1.a"?'),
  );
});

test('onlyNodes suggests a close name for a typo', () => {
  assert.throws(() => diamond().onlyNodes('lefft'), /Did you mean "left"\?/);
});

test('onlyNodes with a repeated name is a DuplicateNodeNameError (Kedro)', () => {
  assert.throws(() => namespaced().onlyNodes('d', 'd'), DuplicateNodeNameError);
});

test('onlyNodes with no names gives an empty pipeline', () => {
  assert.equal(diamond().onlyNodes().size, 0);
});

// ----- onlyNodesWithNamespaces -----

test('a namespace filter matches the namespace and nested ones, not string prefixes', () => {
  assert.deepEqual(nodeNames(namespaced().onlyNodesWithNamespaces('ns1')), ['ns1.a', 'ns1.sub.b']);
  assert.deepEqual(nodeNames(namespaced().onlyNodesWithNamespaces('ns1.sub')), ['ns1.sub.b']);
});

test('a namespace that matches nothing is an UnknownNamespaceError', () => {
  assert.throws(
    () => namespaced().onlyNodesWithNamespaces('ns1', 'ns'),
    (error: unknown) => error instanceof UnknownNamespaceError && error.namespaces.join() === 'ns',
  );
});

test('overlapping namespaces select a node twice: DuplicateNodeNameError (Kedro)', () => {
  assert.throws(() => namespaced().onlyNodesWithNamespaces('ns1', 'ns1.sub'), DuplicateNodeNameError);
  assert.throws(() => namespaced().onlyNodesWithNamespaces('ns10', 'ns10'), DuplicateNodeNameError);
});

test('a dotted node name without namespace is not namespaced', () => {
  const p = new Pipeline([n('x.y', ['a'], ['b']), n('z', ['b'], ['c'], { namespace: 'x' })]);
  assert.deepEqual(nodeNames(p.onlyNodesWithNamespaces('x')), ['x.z']);
});

// ----- tags -----

test('onlyNodesWithTags keeps nodes with any of the tags', () => {
  assert.deepEqual(nodeNames(diamond().onlyNodesWithTags('t2', 'zzz')), ['join', 'left']);
});

test('onlyNodesWithTags with no match gives an empty pipeline', () => {
  assert.equal(diamond().onlyNodesWithTags('zzz').size, 0);
  assert.equal(diamond().onlyNodesWithTags().size, 0);
});

// ----- inputs side -----

test('onlyNodesWithInputs keeps direct consumers only', () => {
  assert.deepEqual(nodeNames(diamond().onlyNodesWithInputs('raw')), ['side', 'top']);
});

test('fromInputs keeps the consumers and everything downstream', () => {
  assert.deepEqual(layerNames(diamond().fromInputs('raw')), [['side', 'top'], ['left', 'right'], ['join']]);
});

test('fromInputs treats a parameter as a dataset', () => {
  assert.deepEqual(nodeNames(diamond().fromInputs('params:beta')), ['join', 'right']);
});

test('fromInputs never includes the producer of an intermediate', () => {
  assert.deepEqual(nodeNames(diamond().fromInputs('l')), ['join', 'left']);
});

test('fromInputs of a terminal output is empty, not an error', () => {
  assert.equal(diamond().fromInputs('out').size, 0);
});

test('fromInputs of an unknown dataset is an UnknownDatasetError with a suggestion', () => {
  assert.throws(() => diamond().fromInputs('nope'), UnknownDatasetError);
  assert.throws(() => diamond().fromInputs('rwa'), /Did you mean "raw"\?/);
});

test('fromInputs with a repeated dataset is fine', () => {
  assert.deepEqual(nodeNames(namespaced().fromInputs('x', 'x')), ['d', 'ns1.sub.b', 'ns10.c']);
});

test('a plain name matches every transcoded use of a dataset', () => {
  assert.deepEqual(nodeNames(transcoded().fromInputs('ds')), ['use']);
  assert.deepEqual(nodeNames(transcoded().onlyNodesWithInputs('ds')), ['use']);
});

test('a transcoded name matches only that format', () => {
  assert.deepEqual(nodeNames(transcoded().onlyNodesWithInputs('ds@pandas')), ['use']);
  assert.equal(transcoded().onlyNodesWithInputs('ds@spark').size, 0);
  assert.throws(() => transcoded().onlyNodesWithInputs('ds@csv'), UnknownDatasetError);
});

// ----- outputs side -----

test('onlyNodesWithOutputs keeps the direct producers', () => {
  assert.deepEqual(nodeNames(diamond().onlyNodesWithOutputs('out', 'l')), ['join', 'top']);
});

test('toOutputs keeps the producer and all its ancestors', () => {
  assert.deepEqual(layerNames(diamond().toOutputs('r2')), [['top'], ['right']]);
});

test('toOutputs of a free input or a parameter is empty', () => {
  assert.equal(diamond().toOutputs('raw').size, 0);
  assert.equal(diamond().toOutputs('params:alpha').size, 0);
});

test('toOutputs of an unknown dataset is an UnknownDatasetError', () => {
  assert.throws(() => diamond().toOutputs('ghost'), UnknownDatasetError);
});

test('toOutputs matches transcoded names like fromInputs', () => {
  assert.deepEqual(nodeNames(transcoded().toOutputs('ds')), ['load']);
  assert.deepEqual(nodeNames(transcoded().toOutputs('ds@spark')), ['load']);
  assert.equal(transcoded().toOutputs('ds@pandas').size, 0);
});

// ----- node boundaries -----

test('fromNodes keeps the nodes and everything downstream', () => {
  assert.deepEqual(layerNames(diamond().fromNodes('left')), [['left'], ['join']]);
});

test('toNodes keeps the nodes and everything upstream', () => {
  assert.deepEqual(layerNames(diamond().toNodes('left', 'side')), [['side', 'top'], ['left']]);
});

test('fromNodes and toNodes reject unknown and repeated names', () => {
  assert.throws(() => diamond().fromNodes('ghost'), UnknownNodeError);
  assert.throws(() => namespaced().fromNodes('d', 'd'), DuplicateNodeNameError);
  assert.throws(() => diamond().toNodes('ghost'), UnknownNodeError);
});

test('fromNodes follows transcoded edges', () => {
  assert.deepEqual(nodeNames(transcoded().fromNodes('load')), ['load', 'use']);
  assert.deepEqual(nodeNames(transcoded().toNodes('use')), ['load', 'use']);
});

// ----- filter -----

test('filter intersects criteria, each applied to the original pipeline', () => {
  const p = new Pipeline([n('node1', ['A'], ['B']), n('node2', ['B'], ['C']), n('node3', ['C'], ['D'])]);
  assert.deepEqual(layerNames(p.filter({ fromInputs: ['A'], nodeNames: ['node1', 'node3'] })), [
    ['node1', 'node3'],
  ]);
});

test('filter with no criteria or only empty ones keeps everything', () => {
  assert.equal(diamond().filter({}).size, 5);
  assert.equal(diamond().filter({ nodeNames: [], tags: [] }).size, 5);
});

test('filter with an empty result is an EmptyPipelineError', () => {
  assert.throws(
    () => diamond().filter({ fromNodes: ['right'], tags: ['t1'], toNodes: ['left'] }),
    EmptyPipelineError,
  );
});

test('filter fromNodes + toNodes slices between them', () => {
  assert.deepEqual(nodeNames(diamond().filter({ fromNodes: ['top'], toNodes: ['join'] })), [
    'join',
    'left',
    'right',
    'top',
  ]);
});

test('filter by namespaces and outputs', () => {
  assert.deepEqual(nodeNames(namespaced().filter({ nodeNamespaces: ['ns1'], toOutputs: ['y'] })), [
    'ns1.a',
    'ns1.sub.b',
  ]);
});

test('filter by tags and fromInputs', () => {
  assert.deepEqual(nodeNames(diamond().filter({ tags: ['t1'], fromInputs: ['raw'] })), ['join', 'top']);
});

test('filter reports errors of the individual criteria', () => {
  assert.throws(() => diamond().filter({ nodeNames: ['ghost'] }), UnknownNodeError);
  assert.throws(() => diamond().filter({ toOutputs: ['ghost'] }), UnknownDatasetError);
  assert.throws(() => namespaced().filter({ nodeNames: ['d', 'd'] }), DuplicateNodeNameError);
});

test('filters return new pipelines and leave the original alone', () => {
  const p = diamond();
  const sub = p.fromNodes('left');
  assert.notEqual(sub, p);
  assert.equal(p.size, 5);
});
