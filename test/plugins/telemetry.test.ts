/**
 * Telemetry against real peers: a local OTLP/HTTP receiver decodes the spans it is sent and the
 * test checks the tree (run → nodes → dataset loads and saves) for a sequential and a parallel run;
 * `/metrics` is scraped by a node while the run goes on; a UDP listener receives the StatsD lines;
 * collectors that are down or hang never fail the run and are reported once each.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createHookManager,
  DataCatalog,
  defaultRunParams,
  DistributedRunner,
  metricsPlugin,
  node,
  Pipeline,
  Session,
  telemetryPlugin,
} from '../../src/index.ts';
import { startWorker, uniqueQueue } from '../runner/distributed/workers.ts';
import { serviceOrSkip } from '../support/services.ts';
import { readRecord, withEnv } from '../session/support.ts';
import type { OtlpReceiver, ReceivedSpan, StatsdListener } from './telemetry-peers.ts';
import { closedPort, startOtlpReceiver, startStatsdListener } from './telemetry-peers.ts';
import { writeProject } from './step-hooks-support.ts';

const CONFIG = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { defineConfig, metricsPlugin, node, Pipeline, telemetryPlugin } from '{{sluice}}';

const log = (line: string) => appendFileSync(process.env.SLUICE_TEST_RECORD!, JSON.stringify(line) + '\\n');
const make = () => [{ value: 'ROW-VALUE-777' }, { value: 'ROW-VALUE-778' }];
const flaky = (rows: unknown[]) => {
  const marker = process.env.SLUICE_TEST_RECORD + '.flaky';
  if (!existsSync(marker)) {
    writeFileSync(marker, '');
    throw new Error('first attempt fails');
  }
  return rows.slice(0, 1);
};
const gate = async (rows: unknown[]) => {
  const wait = (globalThis as { sluiceTestGate?: () => Promise<void> }).sluiceTestGate;
  if (wait !== undefined) await wait();
  return rows.length;
};
const count = (rows: unknown[]) => rows.length;
const broken = () => {
  throw new Error('could not reach postgres://analyst:PW-SECRET-99@db.example/warehouse');
};

export default defineConfig({
  hooks: [telemetryPlugin({ log }), metricsPlugin({ log })],
  pipelines: {
    __default__: new Pipeline([
      node(make, undefined, 'rows', { name: 'make' }),
      node(flaky, 'rows', 'checked', { name: 'flaky', retries: { max: 1 } }),
      node(gate, 'checked', 'gated', { name: 'gate' }),
      node(count, 'rows', 'count', { name: 'count' }),
    ]),
    broken: new Pipeline([node(broken, undefined, 'nothing', { name: 'broken' })]),
  },
});
`;

const CATALOG = `
rows: { type: json, filepath: data/rows.json }
checked: { type: json, filepath: data/checked.json }
`;

let otlp: OtlpReceiver;
let statsd: StatsdListener;
before(async () => {
  [otlp, statsd] = await Promise.all([startOtlpReceiver(), startStatsdListener()]);
});
after(async () => {
  await Promise.all([otlp.close(), statsd.close()]);
});

interface Outcome {
  runId: string;
  error: Error | undefined;
  log: string[];
}

async function run(
  telemetryYml: string,
  options: {
    runner?: 'sequential' | 'parallel' | DistributedRunner;
    pipelineName?: string;
    env?: Record<string, string>;
    root?: string;
  } = {},
): Promise<Outcome> {
  const root = options.root ?? telemetryProject(telemetryYml);
  const record = join(root, 'record.jsonl');
  const session = await Session.create({ projectPath: root, log: () => {} });
  let error: Error | undefined;
  await withEnv({ SLUICE_TEST_RECORD: record, ...options.env }, async () => {
    try {
      await session.run({
        runner: options.runner ?? 'sequential',
        pipelineName: options.pipelineName ?? '__default__',
      });
    } catch (caught) {
      error = caught as Error;
    }
  });
  return { runId: session.runId, error, log: readRecord<string>(record) };
}

function telemetryProject(telemetryYml: string): string {
  return writeProject({
    'sluice.config.ts': CONFIG,
    'conf/base/catalog.yml': CATALOG,
    'conf/base/telemetry.yml': telemetryYml,
  });
}

/** The run's spans once its run span has arrived (it ends last, after every node span). */
async function spansOf(runId: string): Promise<{ run: ReceivedSpan; spans: ReceivedSpan[] }> {
  const runSpan = await otlp.waitFor(
    (span) => span.name.startsWith('run ') && span.attributes['sluice.run_id'] === runId,
  );
  return { run: runSpan, spans: otlp.spans.filter((span) => span.traceId === runSpan.traceId) };
}

function checkTree(run: ReceivedSpan, spans: ReceivedSpan[]): void {
  assert.equal(run.parentSpanId, undefined, 'the run span is the root');
  assert.equal(run.serviceName, 'sluice');
  const byName = (name: string) => spans.filter((span) => span.name === name);
  const nodes = ['make', 'flaky', 'gate', 'count'].map((name) => {
    const found = byName(`node ${name}`);
    assert.equal(found.length, 1, `one span for node ${name}: ${spans.map((span) => span.name).join(', ')}`);
    assert.equal(found[0]!.parentSpanId, run.spanId, `node ${name} is a child of the run`);
    assert.equal(found[0]!.attributes['sluice.node'], name);
    assert.equal(found[0]!.attributes['sluice.run_id'], run.attributes['sluice.run_id']);
    return found[0]!;
  });
  const [make, flaky, , count] = nodes;
  assert.equal(flaky!.attributes['sluice.node.attempts'], 2);
  assert.deepEqual(
    flaky!.events.map((event) => [
      event.name,
      event.attributes['sluice.node.attempt'],
      event.attributes['exception.message'],
    ]),
    [['retry', 1, 'first attempt fails']],
  );
  const saveRows = byName('save rows');
  assert.equal(saveRows.length, 1);
  assert.equal(saveRows[0]!.parentSpanId, make!.spanId);
  assert.equal(saveRows[0]!.attributes['sluice.dataset.type'], 'json');
  assert.equal(saveRows[0]!.attributes['sluice.dataset.rows'], 2);
  const loads = byName('load rows')
    .map((span) => span.parentSpanId)
    .sort();
  // flaky loads its input on each attempt; count once.
  assert.deepEqual(loads, [flaky!.spanId, flaky!.spanId, count!.spanId].sort());
  assert.equal(byName('save checked')[0]?.parentSpanId, flaky!.spanId);
  const everything = JSON.stringify(spans);
  assert.ok(!everything.includes('ROW-VALUE'), 'no data value in any span');
}

test('a sequential run exports its span tree to the endpoint of OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
  const outcome = await run('otlp: {}\n', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint } });
  assert.equal(outcome.error, undefined);
  const { run: runSpan, spans } = await spansOf(outcome.runId);
  checkTree(runSpan, spans);
  assert.equal(runSpan.attributes['sluice.run.status'], 'success');
  assert.equal(runSpan.attributes['sluice.runner'], 'sequential');
});

test("a parallel run's worker spans join the run's trace", async () => {
  const outcome = await run(`otlp: { endpoint: ${otlp.endpoint} }\n`, { runner: 'parallel' });
  assert.equal(outcome.error, undefined);
  const { run: runSpan, spans } = await spansOf(outcome.runId);
  checkTree(runSpan, spans);
  assert.equal(runSpan.attributes['sluice.runner'], 'parallel');
});

test("a distributed run's spans, exported by the coordinator, join the run's trace", async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  const root = telemetryProject(`otlp: { endpoint: ${otlp.endpoint} }\n`);
  const record = join(root, 'record.jsonl');
  const queue = uniqueQueue('telemetry');
  const worker = await startWorker(root, queue, { SLUICE_TEST_RECORD: record });
  try {
    const outcome = await run('', {
      root,
      runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }),
    });
    assert.equal(outcome.error, undefined);
    const { run: runSpan, spans } = await spansOf(outcome.runId);
    checkTree(runSpan, spans);
    assert.equal(runSpan.attributes['sluice.runner'], 'distributed');
  } finally {
    assert.equal(await worker.stop(), 0);
  }
});

test("a failed node's span carries the error, with credentials masked; TRACEPARENT parents the run", async () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const outcome = await run(`otlp: { endpoint: ${otlp.endpoint} }\n`, {
    pipelineName: 'broken',
    env: { TRACEPARENT: traceparent },
  });
  assert.ok(outcome.error !== undefined);
  const { run: runSpan, spans } = await spansOf(outcome.runId);
  const broken = spans.find((span) => span.name === 'node broken')!;
  assert.equal(broken.status.code, 2, 'status ERROR');
  assert.match(broken.status.message!, /could not reach postgres:\/\/analyst:\*+@db\.example/);
  assert.ok(!JSON.stringify(spans).includes('PW-SECRET-99'));
  assert.equal(runSpan.attributes['sluice.run.status'], 'failure');
  assert.equal(runSpan.traceId, '0af7651916cd43dd8448eb211c80319c', "TRACEPARENT's trace");
  assert.equal(runSpan.parentSpanId, 'b7ad6b7169203331', 'the run span is a child of the caller');
});

test('/metrics serves the run while it goes on, and closes when it ends', async () => {
  let scraped = '';
  let url = '';
  const globals = globalThis as { sluiceTestGate?: () => Promise<void> };
  let record = '';
  globals.sluiceTestGate = async () => {
    const line = readRecord<string>(record).find((text) => text.includes('Prometheus metrics at'));
    url = /(http:\S+\/metrics)/.exec(line ?? '')![1]!;
    scraped = await (await fetch(url)).text();
  };
  try {
    const root = writeProject({
      'sluice.config.ts': CONFIG,
      'conf/base/catalog.yml': CATALOG,
      'conf/base/telemetry.yml': 'prometheus: { port: 0 }\n',
    });
    record = join(root, 'record.jsonl');
    const session = await Session.create({ projectPath: root, log: () => {} });
    await withEnv({ SLUICE_TEST_RECORD: record }, () => session.run());
  } finally {
    delete globals.sluiceTestGate;
  }
  const labels = 'pipeline="__default__"';
  assert.match(scraped, new RegExp(`^sluice_run_in_progress\\{${labels}\\} 1$`, 'm'));
  assert.match(
    scraped,
    new RegExp(`^sluice_node_duration_seconds_count\\{${labels},node="make",status="success"\\} 1$`, 'm'),
  );
  assert.match(scraped, new RegExp(`^sluice_node_retries_total\\{${labels},node="flaky"\\} 1$`, 'm'));
  assert.match(
    scraped,
    new RegExp(`^sluice_dataset_rows_written_total\\{${labels},dataset="rows"\\} 2$`, 'm'),
  );
  const bytes = new RegExp(
    `^sluice_dataset_bytes_written_total\\{${labels},dataset="rows"\\} (\\d+)$`,
    'm',
  ).exec(scraped);
  assert.ok(bytes !== null && Number(bytes[1]) > 0, scraped);
  assert.doesNotMatch(scraped, /node="gate"/, 'the gate node is still running');
  await assert.rejects(fetch(url), 'the endpoint is closed after the run');
});

test('StatsD lines reach a UDP listener, named <prefix><pipeline>.<node>.*, from a parallel run', async () => {
  // The metrics plugin lives in the main process: the workers' nodes reach it as relayed events.
  const outcome = await run(`statsd: { host: 127.0.0.1, port: ${statsd.port}, prefix: "ci." }\n`, {
    runner: 'parallel',
  });
  assert.equal(outcome.error, undefined);
  const runLine = await statsd.waitFor((line) => line === 'ci.__default__.run.success:1|c');
  assert.ok(runLine);
  for (const node of ['make', 'flaky', 'gate', 'count']) {
    assert.ok(
      statsd.lines.some((line) =>
        new RegExp(`^ci\\.__default__\\.${node}\\.duration:[\\d.]+\\|ms$`).test(line),
      ),
      node,
    );
  }
  assert.ok(statsd.lines.includes('ci.__default__.flaky.retry:1|c'));
  assert.ok(!statsd.lines.some((line) => line.includes('.failure:')), 'no node failed');
});

test('collectors that are down or hang never fail the run, and each is reported once', async () => {
  const hanging = createServer(() => {});
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  const gateway = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  const down = await closedPort();
  try {
    const outcome = await run(
      [
        `otlp: { endpoint: "http://127.0.0.1:${down}", timeout_ms: 500 }`,
        `prometheus: { pushgateway: "${gateway}", timeout_ms: 500 }`,
        `statsd: { host: 127.0.0.1, port: ${down} }`,
        '',
      ].join('\n'),
      { runner: 'parallel' },
    );
    assert.equal(outcome.error, undefined, 'the run succeeds');
    const failures = outcome.log.filter((line) => line.startsWith('sluice: telemetry:'));
    assert.equal(failures.filter((line) => line.includes('span export')).length, 1, failures.join('\n'));
    assert.equal(failures.filter((line) => line.includes('Prometheus push')).length, 1, failures.join('\n'));
    assert.ok(failures.every((line) => line.includes('further failures are not reported')));
  } finally {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  }
});

test('a node a plugin skips gets a span, a Prometheus count and a StatsD counter (onNodeSkipped)', async () => {
  // Fired by hand: the skip spec's firing sits in the runners (issue 12); this checks the plugins' side.
  const log: string[] = [];
  const hooks = createHookManager();
  const metrics = metricsPlugin({
    prometheus: { port: 0, host: '127.0.0.1', pushgateway: undefined, job: 'sluice', timeoutMs: 2000 },
    statsd: { host: '127.0.0.1', port: statsd.port, prefix: 'skip.' },
    log: (line) => log.push(line),
  });
  hooks.register(
    telemetryPlugin({ otlp: { url: `${otlp.endpoint}/v1/traces`, headers: {}, timeoutMs: 2000 } }),
  );
  hooks.register(metrics);
  const skipped = node(() => 1, undefined, 'one', { name: 'cached' });
  const pipeline = new Pipeline([skipped]);
  const catalog = new DataCatalog();
  const runParams = defaultRunParams({ runId: `skip-${process.pid}-${Date.now()}` });
  await hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
  await hooks.hook.onNodeSkipped.call({
    node: skipped,
    catalog,
    runId: runParams.runId,
    reason: 'up to date',
    worker: 'main',
  });
  const scraped = await (await fetch(metrics.metricsUrl!)).text();
  assert.match(scraped, /^sluice_node_skipped_total\{pipeline="__default__",node="cached"\} 1$/m);
  const runResult = { outputs: {}, completedNodes: [], skippedNodes: ['cached'], durationMs: 1 };
  await hooks.hook.afterPipelineRun.call({ runParams, runResult, pipeline, catalog });
  const { spans } = await spansOf(runParams.runId);
  const span = spans.find((candidate) => candidate.name === 'node cached')!;
  assert.equal(span.attributes['sluice.node.skipped'], 'up to date');
  assert.equal(span.attributes['sluice.node.attempts'], 0);
  await statsd.waitFor((line) => line === 'skip.__default__.cached.skipped:1|c');
});

test("a Pushgateway receives the run's metrics when it ends", async () => {
  const pushes: { method: string; url: string; body: string }[] = [];
  const gateway = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      pushes.push({ method: request.method!, url: request.url!, body });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  try {
    const port = (gateway.address() as AddressInfo).port;
    const outcome = await run(`prometheus: { pushgateway: "http://127.0.0.1:${port}", job: nightly }\n`);
    assert.equal(outcome.error, undefined);
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0]!.method, 'PUT');
    assert.equal(pushes[0]!.url, '/metrics/job/nightly/pipeline/__default__');
    assert.match(pushes[0]!.body, /^sluice_runs_total\{pipeline="__default__",status="success"\} 1$/m);
    assert.match(
      pushes[0]!.body,
      /^sluice_node_duration_seconds_count\{pipeline="__default__",node="gate",status="success"\} 1$/m,
    );
    assert.ok(
      !outcome.log.some((line) => line.includes('Prometheus metrics at')),
      'no endpoint with a pushgateway only',
    );
  } finally {
    gateway.closeAllConnections();
    await new Promise((resolve) => gateway.close(resolve));
  }
});
