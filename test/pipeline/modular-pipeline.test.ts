import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DuplicateNodeNameError,
  node,
  NodeDefinitionError,
  Pipeline,
  pipeline,
  PipelineError,
} from '../../src/pipeline/index.ts';
import type { Node, NodeBehaviour } from '../../src/pipeline/index.ts';
import { n, names } from './fixtures.ts';

/** raw, params:rate -> prep -> clean, params:rate, parameters -> fit -> model, holdout -> score -> metric */
function training(): Pipeline {
  return new Pipeline([
    n('prep', ['raw', 'params:rate'], ['clean'], { tags: ['t1'] }),
    n('fit', ['clean', 'params:rate', 'parameters'], ['model']),
    n('score', ['model', 'holdout'], ['metric']),
  ]);
}

function wiring(
  p: Pipeline,
  name: string,
): { inputs: readonly string[]; outputs: readonly string[]; node: Node } {
  const found = p.getNode(name);
  return { inputs: found.inputs, outputs: found.outputs, node: found };
}

test('a namespace prefixes node names, datasets and params:, never "parameters"', () => {
  const p = pipeline(training(), { namespace: 'ds1' });
  assert.deepEqual(names(p), ['ds1.prep', 'ds1.fit', 'ds1.score']);
  assert.deepEqual(wiring(p, 'ds1.prep').inputs, ['ds1.raw', 'params:ds1.rate']);
  assert.deepEqual(wiring(p, 'ds1.fit').inputs, ['ds1.clean', 'params:ds1.rate', 'parameters']);
  assert.deepEqual(wiring(p, 'ds1.score').outputs, ['ds1.metric']);
  assert.equal(p.getNode('ds1.fit').namespace, 'ds1');
});

test('names listed in inputs, outputs and parameters are kept as they are', () => {
  const p = pipeline(training(), {
    namespace: 'ds1',
    inputs: ['raw'],
    outputs: ['metric'],
    parameters: ['rate'],
  });
  assert.deepEqual(wiring(p, 'ds1.prep').inputs, ['raw', 'params:rate']);
  assert.deepEqual(wiring(p, 'ds1.fit').inputs, ['ds1.clean', 'params:rate', 'parameters']);
  assert.deepEqual(wiring(p, 'ds1.score').inputs, ['ds1.model', 'ds1.holdout']);
  assert.deepEqual(wiring(p, 'ds1.score').outputs, ['metric']);
});

test('a single name works like a one-element list', () => {
  const p = pipeline(training(), { namespace: 'ns', inputs: 'raw', parameters: 'params:rate' });
  assert.deepEqual(wiring(p, 'ns.prep').inputs, ['raw', 'params:rate']);
});

test('a Set of names works like a list', () => {
  const p = pipeline(training(), { namespace: 'ns', inputs: new Set(['raw', 'holdout']) });
  assert.deepEqual(wiring(p, 'ns.score').inputs, ['ns.model', 'holdout']);
});

test('a record renames without prefix', () => {
  const p = pipeline(training(), { namespace: 'ds1', inputs: { raw: 'raw_v2' }, parameters: { rate: 'lr' } });
  assert.deepEqual(wiring(p, 'ds1.prep').inputs, ['raw_v2', 'params:lr']);
  assert.deepEqual(wiring(p, 'ds1.fit').inputs, ['ds1.clean', 'params:lr', 'parameters']);
});

test('renaming works without a namespace', () => {
  const p = pipeline(training(), { outputs: { metric: 'final_metric' } });
  assert.deepEqual(names(p), ['prep', 'fit', 'score']);
  assert.deepEqual(wiring(p, 'score').outputs, ['final_metric']);
  assert.deepEqual(wiring(p, 'score').inputs, ['model', 'holdout']);
});

test('an intermediate dataset may be exposed through outputs', () => {
  const p = pipeline(training(), { namespace: 'ns', outputs: { model: 'shared_model' } });
  assert.deepEqual(wiring(p, 'ns.fit').outputs, ['shared_model']);
  assert.deepEqual(wiring(p, 'ns.score').inputs, ['shared_model', 'ns.holdout']);
});

test('nested namespaces: a namespaced node gets the outer prefix', () => {
  const inner = new Pipeline([n('a', ['x'], ['y'], { namespace: 'inner' }), n('b', ['y'], ['z'])]);
  const p = pipeline(inner, { namespace: 'outer' });
  assert.deepEqual(names(p), ['outer.inner.a', 'outer.b']);
  assert.equal(p.getNode('outer.inner.a').namespace, 'outer.inner');
  assert.deepEqual(wiring(p, 'outer.inner.a').inputs, ['outer.x']);
});

test('pipelines of pipelines can be namespaced twice', () => {
  const once = pipeline(training(), { namespace: 'a' });
  const twice = pipeline(once, { namespace: 'b' });
  assert.deepEqual(wiring(twice, 'b.a.prep').inputs, ['b.a.raw', 'params:b.a.rate']);
});

test('tags are added to every node', () => {
  const p = pipeline(training(), { tags: ['extra'] });
  assert.deepEqual([...p.getNode('prep').tags], ['extra', 't1']);
  assert.deepEqual([...p.getNode('fit').tags], ['extra']);
});

test('prefixDatasetsWithNamespace: false namespaces node names only', () => {
  const p = pipeline(training(), { namespace: 'grp', prefixDatasetsWithNamespace: false });
  assert.deepEqual(names(p), ['grp.prep', 'grp.fit', 'grp.score']);
  assert.deepEqual(wiring(p, 'grp.fit').inputs, ['clean', 'params:rate', 'parameters']);
});

test('transcoded datasets are prefixed and renamed by their base name', () => {
  const p = new Pipeline([n('load', ['raw'], ['ds@spark']), n('use', ['ds@pandas'], ['out'])]);
  assert.deepEqual(wiring(pipeline(p, { namespace: 'ns' }), 'ns.use').inputs, ['ns.ds@pandas']);
  const renamed = pipeline(p, { namespace: 'ns', outputs: { ds: 'shared' } });
  assert.deepEqual(wiring(renamed, 'ns.load').outputs, ['shared@spark']);
  assert.deepEqual(wiring(renamed, 'ns.use').inputs, ['shared@pandas']);
});

test('a list of nodes and pipelines is accepted', () => {
  const p = pipeline([n('a', ['x'], ['y']), new Pipeline([n('b', ['y'], ['z'])])], { namespace: 'ns' });
  assert.deepEqual(names(p), ['ns.a', 'ns.b']);
});

test('no options gives the same nodes', () => {
  const original = training();
  assert.equal(pipeline(original), original);
  assert.deepEqual(names(pipeline([n('a', ['x'], ['y'])])), ['a']);
});

test('record wiring keeps its shape, so the function is still called the same way', async () => {
  const scale = node(
    ({ df, rate }: { df: number; rate: number }) => ({ out: df * rate }),
    { df: 'raw', rate: 'params:rate' },
    {
      out: 'scaled',
    },
    { name: 'scale' },
  );
  const p = pipeline([scale], { namespace: 'ns' });
  assert.deepEqual(await p.getNode('ns.scale').call({ 'ns.raw': 4, 'params:ns.rate': 2 }), {
    'ns.scaled': 8,
  });
});

test('a name derived from the wiring follows the renamed datasets', () => {
  const double = (x: number): number => x * 2;
  const p = pipeline([node(double, 'a', 'b')], { namespace: 'ns' });
  assert.deepEqual(names(p), ['ns.double([ns.a]) -> [ns.b]']);
});

test('inputs naming an intermediate dataset is a PipelineError', () => {
  assert.throws(
    () => pipeline(training(), { namespace: 'ds1', inputs: ['clean'] }),
    (error: unknown) =>
      error instanceof PipelineError && /Inputs must not be outputs from another node/.test(error.message),
  );
});

test('an unknown name in outputs is a PipelineError with a suggestion', () => {
  assert.throws(
    () => pipeline(training(), { namespace: 'ds1', outputs: ['nope'] }),
    (error: unknown) =>
      error instanceof PipelineError && /"nope" does not exist in the pipeline/.test(error.message),
  );
  assert.throws(() => pipeline(training(), { outputs: ['metrc'] }), /Did you mean "metric"\?/);
});

test('several unknown names are all listed', () => {
  assert.throws(
    () => pipeline(training(), { inputs: ['nope'], parameters: ['missing'] }),
    (error: unknown) =>
      error instanceof PipelineError &&
      error.message.includes('"nope"') &&
      error.message.includes('"params:missing"'),
  );
});

test('a parameter in inputs is a PipelineError', () => {
  assert.throws(() => pipeline(training(), { inputs: ['params:rate'] }), /'parameters' option/);
});

test('a free input in outputs is a PipelineError', () => {
  assert.throws(
    () => pipeline(training(), { outputs: ['raw'] }),
    /All outputs must be generated by some node/,
  );
});

test('an unknown parameter is a PipelineError', () => {
  assert.throws(() => pipeline(training(), { parameters: ['nope'] }), PipelineError);
});

test('"parameters" in parameters is accepted and never becomes params:parameters', () => {
  const p = pipeline(training(), { namespace: 'ns', parameters: { parameters: 'other' } });
  assert.deepEqual(wiring(p, 'ns.fit').inputs, ['ns.clean', 'params:ns.rate', 'parameters']);
});

test('a renaming that makes a node read its own output is a NodeDefinitionError', () => {
  const p = new Pipeline([n('a', ['x'], ['y'])]);
  assert.throws(() => pipeline(p, { inputs: { x: 'same' }, outputs: { y: 'same' } }), NodeDefinitionError);
});

test('duplicate full names among the items are reported before any mapping', () => {
  const p = new Pipeline([n('a', ['x'], ['y'], { namespace: 'ns' })]);
  assert.throws(() => pipeline([p, n('ns.a', ['q'], ['r'])], { namespace: 'outer' }), DuplicateNodeNameError);
});

test('nodeDefaults fill options a node does not set, and a node keeps its own', () => {
  const defaults: NodeBehaviour = { retries: { max: 2 } };
  const own = n('own', ['a'], ['b'], { retries: { max: 5 } });
  const p = pipeline([own, n('plain', ['b'], ['c'])], { nodeDefaults: defaults });
  assert.equal(p.getNode('plain').options.retries?.max, 2);
  assert.equal(p.getNode('own').options.retries?.max, 5);
});
