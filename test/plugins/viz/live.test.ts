/**
 * Runs reporting to `sluice viz`: real servers, real `sluice run` child processes, the events read
 * from the server's own event stream. No browser needed.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assertExit, sluice } from '../../cli/support.ts';
import type { VizEvent, VizGraph } from '../../../src/plugins/viz/graph.ts';
import { openRunHistory } from '../../../src/plugins/viz/run-history.ts';
import { serverAddressFile, TOKEN_HEADER } from '../../../src/plugins/viz/server-address.ts';
import { startVizServer } from '../../../src/plugins/viz/server.ts';
import { copyOf, ensurePageBuilt, HOSTILE, startViz } from './support.ts';
import { createHookManager, DataCatalog, node, Pipeline } from '../../../src/index.ts';
import { vizPlugin } from '../../../src/plugins/viz/plugin.ts';
import { defaultRunParams } from '../../../src/run-types/run-params.ts';

const PARALLEL = join(import.meta.dirname, '..', '..', 'fixtures', 'viz', 'parallel');
const EMPTY_GRAPH: VizGraph = {
  projectName: 'test',
  pipelines: [],
  nodes: [],
  datasets: [],
  edges: [],
  layers: [],
};

before(async () => {
  await ensurePageBuilt();
});

/** The server's event stream, collected until `until` says enough. */
function collectEvents(url: string, until: (events: VizEvent[]) => boolean): Promise<VizEvent[]> {
  return new Promise((resolve, reject) => {
    const events: VizEvent[] = [];
    const outgoing = request(new URL('api/stream', url), (response: IncomingMessage) => {
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (\w+)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (type === 'viz' && data !== undefined) events.push(JSON.parse(data) as VizEvent);
          if (until(events)) {
            outgoing.destroy();
            resolve(events);
            return;
          }
        }
      });
    });
    outgoing.on('error', (error) => {
      if (!outgoing.destroyed) reject(error);
    });
    outgoing.end();
  });
}

test("a parallel run shows several nodes running at once, and other plugins' notes", async () => {
  const project = copyOf(PARALLEL, 'viz-parallel');
  const server = await startVizServer({
    projectPath: project,
    graph: EMPTY_GRAPH,
    history: await openRunHistory(project),
  });
  try {
    const collected = collectEvents(server.url, (events) =>
      events.some((event) => event.type === 'runEnded'),
    );
    const run = await sluice(
      ['run', '--runner', 'parallel', '--progress', 'off', '--params', `project_path=${project}`],
      { cwd: project },
    );
    assertExit(run, 0);
    const events = await collected;
    const order = events
      .filter((event) => event.type === 'nodeStarted' || event.type === 'nodeEnded')
      .map((event) => `${event.type} ${(event as { node: string }).node}`);
    const firstEnd = order.findIndex((entry) => entry.startsWith('nodeEnded'));
    assert.deepEqual(
      order.slice(0, firstEnd).sort(),
      ['nodeStarted left', 'nodeStarted right'],
      order.join('\n'),
    );
    assert.equal(order.at(-1), 'nodeEnded join');
    const started = events.find((event) => event.type === 'runStarted');
    assert.ok(started?.type === 'runStarted' && started.runner === 'parallel');
    assert.deepEqual([...started.nodes].sort(), ['join', 'left', 'right']);
    const notes = events
      .filter((event) => event.type === 'annotation')
      .map((event) => event.type === 'annotation' && `${event.target} ${event.label}: ${event.text}`)
      .sort();
    assert.deepEqual(notes, [
      'node:join outputs: joined',
      'node:left outputs: left_out',
      'node:right outputs: right_out',
    ]);
    const ended = events.at(-1)!;
    assert.ok(ended.type === 'runEnded' && ended.status === 'success');
    // What a page opening now receives: the run so far, from the same reducer.
    const response = await fetch(new URL(`api/runs/${encodeURIComponent(started.runId)}`, server.url));
    const snapshot = (await response.json()) as {
      nodes: Record<string, { status: string }>;
      annotations: Record<string, unknown>;
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(snapshot.nodes).map(([name, state]) => [name, state.status])),
      { left: 'done', right: 'done', join: 'done' },
    );
    assert.ok(snapshot.annotations['node:left'] !== undefined);
  } finally {
    await server.close();
  }
  assert.equal(existsSync(serverAddressFile(project)), false, 'a closed server removes its address file');
});

test('a viz server that is gone never fails or holds up a run', async () => {
  const project = copyOf(HOSTILE, 'viz-closed');
  // A port that refuses connections: taken, then released.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
  mkdirSync(join(project, '.sluice', 'viz'), { recursive: true });
  // A live process (this test) that serves nothing there: the run's reports are refused.
  writeFileSync(
    serverAddressFile(project),
    JSON.stringify({ url: `http://127.0.0.1:${port}/`, token: 'x', pid: process.pid }),
  );
  const refused = await sluice(['run', '--progress', 'off'], { cwd: project });
  assertExit(refused, 0);
  assert.doesNotMatch(refused.stderr, /sluice:viz|ECONNREFUSED|socket/i);
  // A process that is gone: the file is ignored.
  writeFileSync(
    serverAddressFile(project),
    JSON.stringify({ url: `http://127.0.0.1:${port}/`, token: 'x', pid: 2 ** 22 + 7 }),
  );
  assertExit(await sluice(['run', '--progress', 'off'], { cwd: project }), 0);
  writeFileSync(serverAddressFile(project), 'not json');
  assertExit(await sluice(['run', '--progress', 'off'], { cwd: project }), 0);
});

test('the server takes reports only with its token, and answers loopback names only', async () => {
  const project = mkdtempSync(join(tmpdir(), 'sluice-viz-server-'));
  const server = await startVizServer({
    projectPath: project,
    graph: EMPTY_GRAPH,
    history: await openRunHistory(project),
  });
  try {
    const post = (headers: Record<string, string>) =>
      fetch(new URL('api/events', server.url), { method: 'POST', headers, body: '[]' });
    assert.equal((await post({})).status, 403);
    assert.equal((await post({ [TOKEN_HEADER]: 'guess' })).status, 403);
    const { token } = JSON.parse(
      (await import('node:fs')).readFileSync(serverAddressFile(project), 'utf8'),
    ) as { token: string };
    assert.equal((await post({ [TOKEN_HEADER]: token })).status, 204);
    assert.equal((await fetch(new URL('api/graph', server.url), { method: 'PUT' })).status, 405);
    assert.equal((await fetch(new URL('api/runs/nope', server.url))).status, 404);
    const rebound = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        new URL('api/graph', server.url),
        { headers: { host: 'attacker.example' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    assert.equal(rebound, 421);
    const page = await (await fetch(server.url)).text();
    assert.match(page, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
  } finally {
    await server.close();
  }
});

test('sluice viz binds 127.0.0.1 unless --host says otherwise, with a warning; a bad --port is a usage error', async () => {
  const project = copyOf(HOSTILE, 'viz-host');
  const local = await startViz(project, ['--port', '0']);
  assert.match(local.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.doesNotMatch(local.output(), /Warning/);
  assert.equal(await local.stop(), 0);
  assert.equal(existsSync(serverAddressFile(project)), false);
  assert.equal(
    existsSync(join(project, '.sluice', 'runs.db')),
    false,
    'looking at a project creates no run store',
  );
  const exposed = await startViz(project, ['--host', '0.0.0.0']);
  assert.match(exposed.output(), /Warning: serving on 0\.0\.0\.0: anyone who can reach this address sees/);
  assert.match(exposed.url, /^http:\/\/0\.0\.0\.0:\d+\/$/);
  assert.equal(await exposed.stop(), 0);
  const bad = await sluice(['viz', '--port', 'eighty'], { cwd: project });
  assertExit(bad, 2);
  assert.match(bad.stderr, /--port must be a port number/);
});

test('a node a plugin skipped shows as skipped, with the reason, through the hook manager', async () => {
  const project = mkdtempSync(join(tmpdir(), 'sluice-viz-skip-'));
  const server = await startVizServer({
    projectPath: project,
    graph: EMPTY_GRAPH,
    history: await openRunHistory(project),
  });
  try {
    const hooks = createHookManager();
    hooks.register(vizPlugin());
    const identity = (value: unknown) => value;
    const pipeline = new Pipeline([
      node(identity, 'a', 'b', { name: 'fresh' }),
      node(identity, 'b', 'c', { name: 'stale' }),
    ]);
    const catalog = new DataCatalog();
    const runParams = defaultRunParams({ runId: 'skip-run', projectPath: project });
    await hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
    await hooks.hook.onNodeSkipped.call({
      node: pipeline.getNode('fresh'),
      catalog,
      runId: 'skip-run',
      reason: 'up to date',
      worker: 'main',
    });
    await hooks.hook.onNodeStart.call({
      node: pipeline.getNode('stale'),
      catalog,
      runId: 'skip-run',
      worker: 'main',
    });
    const failure = new Error('needs postgresql://u:pw-secret-value@db/x');
    await hooks.hook.onNodeEnd.call({
      node: pipeline.getNode('stale'),
      catalog,
      runId: 'skip-run',
      error: failure,
      attempts: 1,
      durationMs: 5,
      worker: 'main',
      attemptDurationMs: 5,
    });
    await hooks.hook.onPipelineError.call({ error: failure, runParams, pipeline, catalog });
    const run = (await (await fetch(new URL('api/runs/skip-run', server.url))).json()) as {
      status: string;
      nodes: Record<string, { status: string; message?: string }>;
    };
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.nodes.fresh, { status: 'skipped', message: 'up to date' });
    assert.equal(run.nodes.stale!.status, 'failed');
    assert.equal(run.nodes.stale!.message, 'Error: needs postgresql://u:***@db/x');
  } finally {
    await server.close();
  }
});
