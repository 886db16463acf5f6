/**
 * A distributed run is recorded whole in the coordinator's store: nodes run in two `sluice worker`
 * processes on the real Redis (skipped loudly without one; a failure under
 * SLUICE_REQUIRE_SERVICES=1), and their events, dataset stats, metrics and plugins' records reach
 * the tracking plugin relayed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DistributedRunner, Session } from '../../src/index.ts';
import { openRunStore } from '../../src/plugin-api/index.ts';
import { serviceOrSkip } from '../support/services.ts';
import type { WorkerProcess } from '../runner/distributed/workers.ts';
import { startWorker, uniqueQueue } from '../runner/distributed/workers.ts';
import { TOKEN, TOKEN_ENV, placesOf, secretsInStore, writeTrackedProject } from './support.ts';

const workers: WorkerProcess[] = [];
after(async () => {
  for (const worker of workers) await worker.stop();
});

test('the distributed runner: every node, dataset event, metric and record is in the store', async (t) => {
  if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
  process.env[TOKEN_ENV] = TOKEN;
  const project = writeTrackedProject();
  const queue = uniqueQueue('tracking');
  const started = await Promise.all(
    [1, 2].map(() => startWorker(project, queue, { [TOKEN_ENV]: TOKEN }, ['--concurrency', '2'])),
  );
  workers.push(...started);
  const session = await Session.create({ projectPath: project, log: () => {} });
  await session
    .run({
      pipelineName: 'failing',
      // Every node that doesn't depend on the failing one runs, whichever worker is faster.
      continueOnFailure: true,
      runner: new DistributedRunner({ queue, waitForWorkersMs: 60_000 }),
    })
    .then(
      () => assert.fail('the failing pipeline fails'),
      (error: Error) => assert.match(error.message, /upload/),
    );
  const store = openRunStore(project);
  try {
    const run = store.getRun(session.runId);
    assert.equal(run.runner, 'distributed');
    assert.equal(run.status, 'failed');
    assert.deepEqual(run.nodes.map((node) => [node.name, node.status, node.attempts]).sort(), [
      ['evaluate', 'success', 1],
      ['prepare', 'success', 1],
      ['train', 'success', 1],
      ['upload', 'failed', 1],
    ]);
    assert.match(run.nodes.find((node) => node.name === 'upload')!.error!, /token \*\*\*, password \*\*\*/);
    const saves = run.datasets.filter((event) => event.operation === 'save');
    assert.deepEqual(saves.map((event) => event.dataset).sort(), ['features', 'metrics', 'model']);
    assert.equal(saves.find((event) => event.dataset === 'features')?.rows, 3);
    assert.ok((saves.find((event) => event.dataset === 'model')?.bytes ?? 0) > 0);
    const companies = run.datasets.find((event) => event.dataset === 'companies');
    assert.equal(companies?.rows, 3);
    assert.equal(companies?.columns, 3, 'columns read in the worker and relayed');
    assert.deepEqual(
      companies?.schema?.map((column) => column.name),
      ['id', 'rating', 'size'],
    );
    // Each node names the worker process and slot that ran it: host and pid as the node saw them.
    const places = placesOf(run);
    const pids = new Set(started.map((worker) => worker.pid));
    for (const entry of run.nodes) {
      const place = places.get(entry.name);
      if (place === undefined) {
        // upload failed in its function, before the afterNodeRun that reports the place.
        assert.match(entry.worker ?? '', /^[^:]+:\d+\/slot [12]$/, entry.name);
        assert.ok(pids.has(Number(/:(\d+)\//.exec(entry.worker!)![1])), `${entry.name}: ${entry.worker}`);
        continue;
      }
      assert.ok(pids.has(place.pid), `${entry.name} ran in one of the two workers`);
      assert.match(
        entry.worker ?? '',
        new RegExp(`^${escape(place.host)}:${place.pid}/slot [12]$`),
        entry.name,
      );
    }
    assert.deepEqual(Object.keys(run.metrics).sort(), ['mae', 'r2']);
    assert.deepEqual(run.artifacts.map((artifact) => artifact.dataset).sort(), ['metrics', 'model']);
    assert.deepEqual(run.params['params:model.alpha'], 0.5);
    assert.equal(run.records.filter((record) => record.kind === 'check').length, 3);
  } finally {
    store.close();
  }
  assert.deepEqual(secretsInStore(project), []);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
