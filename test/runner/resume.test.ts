/**
 * The resume hint after a failed run: Kedro's `_find_nodes_to_resume_from` (walk back from the
 * unfinished nodes past producers of memory datasets, take the first layer of what must run), and
 * the command lines built from it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataCatalog, node, Pipeline } from '../../src/index.ts';
import { resumeCommand, resumeFromNodes } from '../../src/runner/resume.ts';
import { resumeCommandFor } from '../../src/session/session.ts';
import { catalogWith, makeRunParams } from './helpers.ts';

const id = (v: unknown) => v;
const pair = (a: unknown, b: unknown) => [a, b];

/** raw(P) → a → m1(mem) → b → p1(P) → c → m2(mem) → d → out(P). */
function chain(): { pipeline: Pipeline; catalog: DataCatalog } {
  return {
    pipeline: new Pipeline([
      node(id, 'raw', 'm1', { name: 'a' }),
      node(id, 'm1', 'p1', { name: 'b' }),
      node(id, 'p1', 'm2', { name: 'c' }),
      node(id, 'm2', 'out', { name: 'd' }),
    ]),
    catalog: catalogWith(['raw', 'p1', 'out']),
  };
}

/**
 * split: [raw(P), params:k] → [left(mem), right(P)]; l: left → l_out(P); r: right → r_out(mem);
 * join: [l_out, r_out] → final(P).
 */
function diamond(): { pipeline: Pipeline; catalog: DataCatalog } {
  return {
    pipeline: new Pipeline([
      node(pair, ['raw', 'params:k'], ['left', 'right'], { name: 'split' }),
      node(id, 'left', 'l_out', { name: 'l' }),
      node(id, 'right', 'r_out', { name: 'r' }),
      node(pair, ['l_out', 'r_out'], 'final', { name: 'join' }),
    ]),
    catalog: catalogWith(['raw', 'right', 'l_out', 'final'], { k: 1 }),
  };
}

/** Two chains raw → x(P) → y(mem) → z, side by side (suffixes 1 and 2). */
function twoChains(): { pipeline: Pipeline; catalog: DataCatalog } {
  const nodes = [1, 2].flatMap((i) => [
    node(id, 'raw', `x${i}`, { name: `a${i}` }),
    node(id, `x${i}`, `y${i}`, { name: `b${i}` }),
    node(id, `y${i}`, `z${i}`, { name: `c${i}` }),
  ]);
  return { pipeline: new Pipeline(nodes), catalog: catalogWith(['raw', 'x1', 'x2']) };
}

test('nothing completed: no resume nodes (rerun the same command)', () => {
  const { pipeline, catalog } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, [], catalog), []);
});

test('everything completed: no resume nodes', () => {
  const { pipeline, catalog } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b', 'c', 'd'], catalog), []);
});

test('chain: a failure right after a memory dataset walks back to its producer', () => {
  const { pipeline, catalog } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, ['a'], catalog), ['a']);
});

test('chain: a failure right after a persisted dataset resumes at the failed node', () => {
  const { pipeline, catalog } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b'], catalog), ['c']);
});

test('chain: the walk stops at the first persisted input on the way back', () => {
  const { pipeline, catalog } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b', 'c'], catalog), ['c']);
});

test('chain: when every dataset is persisted, resume exactly at the first unfinished node', () => {
  const { pipeline } = chain();
  const catalog = catalogWith(['raw', 'm1', 'p1', 'm2', 'out']);
  assert.deepEqual(resumeFromNodes(pipeline, ['a'], catalog), ['b']);
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b', 'c'], catalog), ['d']);
});

test('chain: when nothing is persisted, walk all the way back to the first node', () => {
  const { pipeline } = chain();
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b', 'c'], new DataCatalog()), ['a']);
});

test('diamond: r failed; its input is persisted and join’s memory input comes from r itself', () => {
  const { pipeline, catalog } = diamond();
  assert.deepEqual(resumeFromNodes(pipeline, ['split', 'l'], catalog), ['r']);
});

test('diamond: l failed; its memory input sends the walk back to split (parameters are not followed)', () => {
  const { pipeline, catalog } = diamond();
  assert.deepEqual(resumeFromNodes(pipeline, ['split', 'r'], catalog), ['split']);
  assert.deepEqual(resumeFromNodes(pipeline, ['split'], catalog), ['split']);
});

test('diamond: with left persisted too, l and r resume where they are', () => {
  const { pipeline } = diamond();
  const catalog = catalogWith(['raw', 'left', 'right', 'l_out', 'final'], { k: 1 });
  assert.deepEqual(resumeFromNodes(pipeline, ['split'], catalog), ['l', 'r']);
});

test('two chains: both unfinished branches walk back to their own producer (several resume nodes)', () => {
  const { pipeline, catalog } = twoChains();
  assert.deepEqual(resumeFromNodes(pipeline, ['a1', 'a2', 'b1', 'b2'], catalog), ['b1', 'b2']);
  assert.deepEqual(resumeFromNodes(pipeline, ['a1', 'a2', 'b1', 'b2', 'c2'], catalog), ['b1']);
});

test('two chains: a branch that never started is covered by the resumed run', () => {
  const { pipeline, catalog } = twoChains();
  // a1, b1, c1 done; the second chain never ran: resume from a2 (its input is persisted).
  assert.deepEqual(resumeFromNodes(pipeline, ['a1', 'b1', 'c1'], catalog), ['a2']);
});

test('a completed node that fed a memory dataset to an unfinished one is rerun; others are not', () => {
  // p: raw → q(P); a: raw → x(mem); b: [x, q] → out. a and p done, b failed.
  const pipeline = new Pipeline([
    node(id, 'raw', 'q', { name: 'p' }),
    node(id, 'raw', 'x', { name: 'a' }),
    node(pair, ['x', 'q'], 'out', { name: 'b' }),
  ]);
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'p'], catalogWith(['raw', 'q', 'out'])), ['a']);
});

test('a dataset declared with ephemeral: true counts as memory', () => {
  const { pipeline } = chain();
  const catalog = catalogWith(['raw', 'out']);
  catalog.add('p1', {
    ephemeral: true,
    load: () => 1,
    save: () => {},
    exists: () => true,
    release: () => {},
    describe: () => ({ type: 'scratch' }),
  });
  assert.deepEqual(resumeFromNodes(pipeline, ['a', 'b'], catalog), ['a']);
});

test('resumeCommand appends --from-nodes to the base command, or gives undefined', () => {
  assert.equal(
    resumeCommand('sluice run --env prod', ['b', 'c']),
    'sluice run --env prod --from-nodes "b,c"',
  );
  assert.equal(resumeCommand('sluice run', []), undefined);
});

test('resumeCommandFor: the default run resumes with only --from-nodes', () => {
  assert.equal(resumeCommandFor(makeRunParams(), ['b']), 'sluice run --from-nodes b');
  assert.equal(resumeCommandFor(makeRunParams(), ['b1', 'b2']), 'sluice run --from-nodes b1,b2');
});

test('resumeCommandFor keeps the pipeline, env, runner, async and filters of the failed run', () => {
  const runParams = makeRunParams({
    pipelineName: 'ds',
    env: 'prod',
    runner: 'parallel',
    isAsync: true,
    tags: ['t1', 't2'],
    namespaces: ['ns'],
    toNodes: ['end'],
    toOutputs: ['model'],
  });
  assert.equal(
    resumeCommandFor(runParams, ['ns.split']),
    'sluice run --pipeline ds --env prod --runner parallel --async --tags t1,t2 --namespaces ns --to-nodes end --to-outputs model --from-nodes ns.split',
  );
});

test('resumeCommandFor flattens runtime params and quotes what a shell would split', () => {
  const runParams = makeRunParams({
    runtimeParams: { data_dir: '/tmp/run 1', model: { k: 3, opts: [1, 2] }, who: 'a"b$c' },
  });
  assert.equal(
    resumeCommandFor(runParams, ['b']),
    'sluice run --params "data_dir=/tmp/run 1,model.k=3,model.opts=[1,2],who=a\\"b\\$c" --from-nodes b',
  );
  assert.equal(
    resumeCommandFor(makeRunParams({ runtimeParams: { data_dir: '/tmp/x' } }), ['b']),
    'sluice run --params data_dir=/tmp/x --from-nodes b',
  );
});

test('resumeCommandFor does not repeat the failed run’s own --from-nodes / --from-inputs', () => {
  const runParams = makeRunParams({ fromNodes: ['a'], fromInputs: ['raw'] });
  assert.equal(resumeCommandFor(runParams, ['c']), 'sluice run --from-nodes c');
});

test('resumeCommandFor keeps the node-name filter of the failed run', () => {
  const command = resumeCommandFor(makeRunParams({ nodeNames: ['a', 'b', 'c'] }), ['b']);
  assert.match(command, /--(nodes|node-names) "?a,b,c"?/, command);
});

test('resumeCommandFor keeps the pinned load versions of the failed run', () => {
  const command = resumeCommandFor(makeRunParams({ loadVersions: { raw: '2024-01-01T00.00.00.000Z' } }), [
    'b',
  ]);
  assert.match(command, /--load-versions "?raw:2024-01-01T00\.00\.00\.000Z"?/, command);
});
