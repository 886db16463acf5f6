/** The page's model, view, layout and reducer, and the reporter, without a browser. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import { DataCatalog, node, Pipeline } from '../../../src/index.ts';
import { describeGraph, describeRetries } from '../../../src/plugins/viz/describe-graph.ts';
import type { VizEvent, VizGraph, VizRun } from '../../../src/plugins/viz/graph.ts';
import type { ElkEngine } from '../../../src/plugins/viz/layout.ts';
import { layoutView } from '../../../src/plugins/viz/layout.ts';
import { jsonForScript } from '../../../src/plugins/viz/page-html.ts';
import { VizReporter } from '../../../src/plugins/viz/reporter.ts';
import { applyEvent } from '../../../src/plugins/viz/run-state.ts';
import { buildView, namespacesOf } from '../../../src/plugins/viz/view.ts';

async function sampleGraph(): Promise<VizGraph> {
  const identity = (value: unknown) => value;
  const pipeline = new Pipeline([
    node(identity, 'raw', 'clean', { name: 'clean', namespace: 'prep' }),
    node(identity, 'clean', 'features', { name: 'featurize', namespace: 'prep.inner', tags: ['ml'] }),
    node((a: unknown, _b: unknown) => a, ['features', 'params:model.alpha'], 'model', {
      name: 'train',
      tags: ['ml'],
      retries: { max: 2, delayMs: 100, backoff: 'exponential' },
    }),
  ]);
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: {
      raw: {
        type: 'json',
        filepath: 'https://user:hunter2-secret@example.invalid/raw.json',
        metadata: { layer: 'raw' },
      },
      model: { type: 'json', filepath: 'data/model.json', metadata: { 'kedro-viz': { layer: 'models' } } },
    },
    parameters: { model: { alpha: 0.5 } },
    projectPath: '/project',
  });
  return describeGraph({
    projectName: 'sample',
    pipelines: new Map([
      ['training', pipeline.onlyNodesWithTags('ml')],
      ['__default__', pipeline],
    ]),
    catalog,
  });
}

test('the model lists every node and dataset once, with edges in data-flow direction', async () => {
  const graph = await sampleGraph();
  assert.deepEqual(
    graph.pipelines.map((pipeline) => pipeline.name),
    ['__default__', 'training'],
  );
  assert.deepEqual(
    graph.nodes.map((item) => item.name),
    ['prep.clean', 'prep.inner.featurize', 'train'],
  );
  assert.deepEqual(graph.datasets.map((item) => item.name).sort(), [
    'clean',
    'features',
    'model',
    'params:model.alpha',
    'raw',
  ]);
  assert.ok(graph.edges.some((edge) => edge.source === 'dataset:raw' && edge.target === 'node:prep.clean'));
  assert.ok(graph.edges.some((edge) => edge.source === 'node:train' && edge.target === 'dataset:model'));
  const train = graph.nodes.find((item) => item.name === 'train')!;
  assert.deepEqual(train.parameters, [{ name: 'model.alpha', value: 0.5 }]);
  assert.equal(train.retries, '2 retries, 100 ms exponential backoff');
  assert.deepEqual(train.pipelines, ['__default__', 'training']);
  assert.deepEqual(graph.layers, ['raw', 'models']);
  const clean = graph.datasets.find((item) => item.name === 'clean')!;
  assert.equal(clean.namespace, 'prep', 'the innermost namespace of every node around it');
  assert.equal(graph.datasets.find((item) => item.name === 'features')!.namespace, null);
});

test('credentials in a dataset description never reach the model', async () => {
  const text = JSON.stringify(await sampleGraph());
  assert.ok(!text.includes('hunter2'), text);
  assert.match(text, /https:\/\/user:\*\*\*@example\.invalid\/raw\.json/);
});

test('a collapsed namespace is one box holding its nodes and its inner datasets', async () => {
  const graph = await sampleGraph();
  assert.deepEqual(namespacesOf(graph), ['prep', 'prep.inner']);
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: ['prep'] });
  const ids = view.boxes.map((box) => box.id);
  assert.ok(ids.includes('namespace:prep'));
  assert.ok(!ids.includes('node:prep.clean') && !ids.includes('node:prep.inner.featurize'));
  assert.ok(!ids.includes('dataset:clean'), 'clean is read and written inside prep only');
  assert.ok(ids.includes('dataset:features'), 'features leaves the namespace');
  assert.deepEqual(view.boxes.find((box) => box.id === 'namespace:prep')!.members, [
    'node:prep.clean',
    'node:prep.inner.featurize',
  ]);
  assert.ok(view.edges.some((edge) => edge.source === 'dataset:raw' && edge.target === 'namespace:prep'));
  assert.ok(
    view.edges.some((edge) => edge.source === 'namespace:prep' && edge.target === 'dataset:features'),
  );
  const tagged = buildView(graph, { pipeline: '__default__', tags: ['ml'], collapsed: [] });
  assert.deepEqual(
    tagged.boxes.filter((box) => box.kind === 'node').map((box) => box.id),
    ['node:prep.inner.featurize', 'node:train'],
  );
});

test('layers become bands in order, and the layout is the same every time', async () => {
  const graph = await sampleGraph();
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: [] });
  const elk = new (ELK as unknown as new () => ElkEngine)();
  const first = await layoutView(view, elk);
  const second = await layoutView(view, elk);
  assert.deepEqual(first, second);
  assert.deepEqual(
    first.bands.map((band) => graph.layers[band.layer]),
    ['raw', 'models'],
  );
  assert.ok(first.boxes['dataset:raw']!.y < first.boxes['dataset:model']!.y);
  for (const edge of first.edges)
    assert.ok(edge.points.length >= 4, `${edge.source} → ${edge.target} is drawn`);
});

test('the reducer takes a run from queued to its end', () => {
  const events: VizEvent[] = [
    {
      type: 'runStarted',
      runId: 'r1',
      pipelineName: '__default__',
      runner: 'sequential',
      nodes: ['a', 'b', 'c'],
      startedAt: '2026-01-01T00:00:00Z',
    },
    { type: 'nodeStarted', runId: 'r1', node: 'a' },
    { type: 'nodeRetried', runId: 'r1', node: 'a', attempt: 1, message: 'flaky' },
    { type: 'nodeEnded', runId: 'r1', node: 'a', status: 'done', durationMs: 12, attempts: 2 },
    { type: 'nodeSkipped', runId: 'r1', node: 'b', reason: 'up to date' },
    { type: 'nodeStarted', runId: 'other', node: 'c' },
    { type: 'annotation', runId: 'r1', target: 'node:a', label: 'rows', text: '10' },
    { type: 'runEnded', runId: 'r1', status: 'failed', durationMs: 20, skipped: ['c'], message: 'boom' },
  ];
  let run: VizRun | null = null;
  for (const event of events) run = applyEvent(run, event);
  assert.deepEqual(run!.nodes, {
    a: { status: 'done', durationMs: 12, attempts: 2, message: undefined },
    b: { status: 'skipped', message: 'up to date' },
    c: { status: 'skipped', message: 'not run' },
  });
  assert.equal(run!.status, 'failed');
  assert.equal(run!.error, 'boom');
  assert.deepEqual(run!.annotations, { 'node:a': { rows: '10' } });
});

test('data in the page can never close its script element', () => {
  const text = jsonForScript({ name: '</script><script>alert(1)</script>', other: 'a\u2028b & c' });
  assert.ok(!text.includes('<') && !text.includes('>') && !text.includes('&') && !text.includes('\u2028'));
  assert.deepEqual(JSON.parse(text), { name: '</script><script>alert(1)</script>', other: 'a\u2028b & c' });
});

test('a reporter whose server refuses turns itself off and drops what it had', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  const reporter = new VizReporter({ url: `http://127.0.0.1:${port}/`, token: 't', pid: process.pid });
  reporter.push({ type: 'nodeStarted', runId: 'r', node: 'a' });
  reporter.push({ type: 'nodeStarted', runId: 'r', node: 'b' });
  await reporter.flush(60_000);
  assert.equal(reporter.off, true);
  reporter.push({ type: 'nodeStarted', runId: 'r', node: 'c' });
  await reporter.flush(60_000);
});

test('retry policies in words', () => {
  assert.equal(describeRetries(undefined), null);
  assert.equal(describeRetries({ max: 0 }), null);
  assert.equal(
    describeRetries({ max: 1, jitter: true, nonRetryable: [TypeError] }),
    '1 retry, jitter, never for TypeError',
  );
});
