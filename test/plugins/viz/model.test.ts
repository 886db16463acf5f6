/** The page's model, view, layout and reducer, and the reporter, without a browser. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import ELK from 'elkjs/lib/elk.bundled.js';
import { DataCatalog, node, Pipeline } from '../../../src/index.ts';
import { describeGraph, describeRetries } from '../../../src/plugins/viz/describe-graph.ts';
import type { VizEvent, VizGraph, VizRun } from '../../../src/plugins/viz/graph.ts';
import type { ElkEngine } from '../../../src/plugins/viz/layout.ts';
import { LARGE_VIEW, layoutView } from '../../../src/plugins/viz/layout.ts';
import { jsonForScript } from '../../../src/plugins/viz/page-html.ts';
import { VizReporter } from '../../../src/plugins/viz/reporter.ts';
import { applyEvent } from '../../../src/plugins/viz/run-state.ts';
import { buildView, namespacesOf } from '../../../src/plugins/viz/view.ts';
import { generatedGraph, generatedPipeline } from './generated-pipeline.ts';

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

test('a large view stacks each dataset under its writer, and every arrow still points down', async () => {
  const graph = generatedGraph(100);
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: [] });
  assert.ok(view.boxes.length > LARGE_VIEW, 'large enough to be stacked');
  const elk = new (ELK as unknown as new () => ElkEngine)();
  const sent: number[] = [];
  const counting: ElkEngine = {
    layout: (elkGraph) => {
      sent.push(elkGraph.children?.length ?? 0);
      return elk.layout(elkGraph);
    },
  };
  const layout = await layoutView(view, counting);
  assert.deepEqual(await layoutView(view, counting), layout, 'the same picture every time');
  // The 10 source datasets and params:scale stand alone; each node carries the dataset it writes.
  assert.deepEqual(sent, [111, 111]);
  assert.deepEqual(Object.keys(layout.boxes).sort(), view.boxes.map((box) => box.id).sort());
  const placed = Object.values(layout.boxes);
  for (const [i, a] of placed.entries())
    for (const b of placed.slice(i + 1))
      assert.ok(
        a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
        'no two boxes overlap',
      );
  const writer = layout.boxes['node:group_3.step_53']!;
  const written = layout.boxes['dataset:data_53']!;
  assert.ok(written.y > writer.y + writer.height, 'a dataset sits under the node that writes it');
  assert.equal(written.x + written.width / 2, writer.x + writer.width / 2, 'centred under it');
  assert.equal(layout.edges.length, view.edges.length);
  for (const edge of layout.edges) {
    const points = edge.points;
    const source = layout.boxes[edge.source]!;
    const target = layout.boxes[edge.target]!;
    assert.deepEqual(points.slice(0, 2), [source.x + source.width / 2, source.y + source.height]);
    assert.deepEqual(points.slice(-2), [target.x + target.width / 2, target.y]);
    assert.ok(target.y > source.y + source.height, `${edge.source} → ${edge.target} points down`);
  }
});

test('stacked datasets keep their layer bands in data-flow order', async () => {
  const graph = await sampleGraph();
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: [] });
  const elk = new (ELK as unknown as new () => ElkEngine)();
  const layout = await layoutView(view, elk, { stackDatasets: true });
  assert.deepEqual(
    layout.bands.map((band) => graph.layers[band.layer]),
    ['raw', 'models'],
  );
  const [raw, models] = layout.bands;
  assert.ok(raw!.y + raw!.height <= models!.y, 'bands do not overlap');
  assert.ok(layout.boxes['dataset:raw']!.y < layout.boxes['dataset:model']!.y);
});

test('a large view stacks only the outputs in its writer’s layer band, so bands never overlap', async () => {
  // `ingest` writes a raw and a primary dataset. Stacked together, both would ride in one ELK box
  // in the primary band, and the raw band would reach down into it.
  const ingest = (rows: unknown) => [rows, rows];
  const summarize = (raw: unknown, primary: unknown) => [raw, primary];
  const pipeline = new Pipeline([
    ...generatedPipeline(100).nodes,
    node(ingest, 'download', ['raw_copy', 'primary_table'], { name: 'ingest' }),
    node(summarize, ['raw_copy', 'primary_table'], 'summary', { name: 'summarize' }),
  ]);
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: {
      download: { type: 'json', filepath: 'data/download.json', metadata: { layer: 'raw' } },
      raw_copy: { type: 'json', filepath: 'data/raw_copy.json', metadata: { layer: 'raw' } },
      primary_table: { type: 'json', filepath: 'data/primary.json', metadata: { layer: 'primary' } },
    },
    projectPath: '/project',
  });
  const graph = describeGraph({
    projectName: 'generated-layers',
    pipelines: new Map([['__default__', pipeline]]),
    catalog,
  });
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: [] });
  assert.ok(view.boxes.length > LARGE_VIEW, 'large enough to be stacked');
  const elk = new (ELK as unknown as new () => ElkEngine)();
  const layout = await layoutView(view, elk);
  assert.deepEqual(
    layout.bands.map((band) => graph.layers[band.layer]),
    ['raw', 'primary'],
  );
  const [raw, primary] = layout.bands;
  assert.ok(raw!.y + raw!.height <= primary!.y, 'bands do not overlap');
  const within = (id: string, band: { y: number; height: number }) => {
    const box = layout.boxes[id]!;
    return box.y >= band.y && box.y + box.height <= band.y + band.height;
  };
  for (const id of ['dataset:download', 'dataset:raw_copy']) assert.ok(within(id, raw!), `${id} in raw`);
  assert.ok(within('dataset:primary_table', primary!), 'primary_table in primary');
  // The raw output still rides under its writer.
  const writer = layout.boxes['node:ingest']!;
  const rawCopy = layout.boxes['dataset:raw_copy']!;
  assert.equal(
    rawCopy.x + rawCopy.width / 2,
    writer.x + writer.width / 2,
    'raw_copy is stacked under ingest',
  );
});
