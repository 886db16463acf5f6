import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../src/pipeline/index.ts';
import { diamond, n } from './fixtures.ts';

test('describe() lists inputs, layers with nodes and tags, and outputs', () => {
  const text = diamond().describe();
  assert.match(text, /^Pipeline with 5 node\(s\) in 3 layer\(s\)$/m);
  assert.match(text, /^Inputs: params:alpha, params:beta, raw$/m);
  assert.match(
    text,
    /^Layer 1:\n {2}side: \(raw\) -> \(side_out\)\n {2}top: \(raw, params:alpha\) -> \(l, r\) {2}\[t1\]$/m,
  );
  assert.match(text, /^Outputs: out, side_out$/m);
});

test('describe() of an empty pipeline says None', () => {
  assert.match(new Pipeline().describe(), /Inputs: None[\s\S]*Outputs: None/);
});

test('toJSON() gives nodes in run order with their wiring', () => {
  const json = diamond().toJSON();
  assert.deepEqual(
    json.nodes.map((x) => x.name),
    ['side', 'top', 'left', 'right', 'join'],
  );
  assert.deepEqual(json.nodes[1], {
    name: 'top',
    shortName: 'top',
    namespace: null,
    tags: ['t1'],
    inputs: ['raw', 'params:alpha'],
    outputs: ['l', 'r'],
  });
});

test('toJSON() gives node-to-node edges with the dataset between them', () => {
  assert.deepEqual(diamond().toJSON().edges, [
    { from: 'top', to: 'left', dataset: 'l' },
    { from: 'top', to: 'right', dataset: 'r' },
    { from: 'left', to: 'join', dataset: 'l2' },
    { from: 'right', to: 'join', dataset: 'r2' },
  ]);
});

test('toJSON() edges use the dataset name without transcoding', () => {
  const p = new Pipeline([n('load', ['raw'], ['ds@spark']), n('use', ['ds@pandas'], ['out'])]);
  assert.deepEqual(p.toJSON().edges, [{ from: 'load', to: 'use', dataset: 'ds' }]);
});

test('toJSON() gives layers, free inputs and outputs, tags and namespaces', () => {
  const p = new Pipeline([
    n('a', ['raw'], ['x'], { namespace: 'ns1.sub', tags: ['b', 'a'] }),
    n('b', ['x'], ['y'], { namespace: 'ns2' }),
  ]);
  const json = p.toJSON();
  assert.deepEqual(json.layers, [['ns1.sub.a'], ['ns2.b']]);
  assert.deepEqual(json.inputs, ['raw']);
  assert.deepEqual(json.outputs, ['y']);
  assert.deepEqual(json.tags, ['a', 'b']);
  assert.deepEqual(json.namespaces, ['ns1', 'ns1.sub', 'ns2']);
  assert.equal(json.nodes[0]!.shortName, 'a');
});

test('JSON.stringify(pipeline) uses toJSON() and round-trips as plain data', () => {
  const p = diamond();
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p.toJSON());
});
