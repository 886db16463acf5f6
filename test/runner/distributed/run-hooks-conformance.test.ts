/**
 * The run-hooks conformance samples on the distributed runner, with the canonical comparison:
 * the coordinator is this process, the nodes run on a real `sluice worker` child process, over
 * the real Redis at 127.0.0.1:6379 (skipped loudly without one; a failure under
 * SLUICE_REQUIRE_SERVICES=1). Pipeline hooks come from here, node and dataset hooks from the worker,
 * all appended to one record in the order they fired.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRunParams, DistributedRunner, runPipeline, Session } from '../../../src/index.ts';
import { kedroName } from '../../../scripts/conformance/run-hooks.ts';
import type { RunAnswer } from '../../conformance/run-hooks-canonical.ts';
import { assertCanonicallyEqual } from '../../conformance/run-hooks-canonical.ts';
import { reachable, servicesRequired } from '../../support/services.ts';
import { readRecord, withEnv } from '../../session/support.ts';
import type { WorkerProcess } from './workers.ts';
import { startWorker, uniqueQueue } from './workers.ts';

const PROJECT = fileURLToPath(new URL('../../fixtures/projects/conformance-run-hooks/', import.meta.url));
const samples = readFileSync(new URL('../../fixtures/conformance/run-hooks.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as { id: string; description: string; nodes: never; expected: RunAnswer });

interface Recorded {
  id: string | undefined;
  hook: string;
  subject: string | null;
  data: Record<string, unknown>;
}

const recordFile = join(mkdtempSync(join(tmpdir(), 'sluice-conformance-')), 'record.jsonl');
const queue = uniqueQueue('conformance');
let worker: WorkerProcess | undefined;
let redisUp = false;

before(async () => {
  redisUp = await reachable('127.0.0.1', 6379);
  if (!redisUp) {
    if (servicesRequired)
      throw new Error(
        'Redis is not reachable at 127.0.0.1:6379, and SLUICE_REQUIRE_SERVICES=1 forbids skipping.',
      );
    process.stderr.write(
      '\n!!! SKIPPED: Redis is not reachable at 127.0.0.1:6379. Start it to run the run-hooks samples on the distributed runner.\n\n',
    );
    return;
  }
  worker = await startWorker(PROJECT, queue, { SLUICE_TEST_RECORD: recordFile });
});
after(async () => {
  assert.equal(await worker?.stop(), worker === undefined ? undefined : 0);
});

for (const sample of samples) {
  test(`run-hooks ${sample.id} on the distributed runner: ${sample.description}`, async (t) => {
    if (!redisUp) return t.skip('Redis is not reachable at 127.0.0.1:6379');
    const session = await Session.create({ projectPath: PROJECT, log: () => {} });
    const runner = new DistributedRunner({ queue, waitForWorkersMs: 60_000 });
    let outputs: Record<string, unknown> | null = null;
    let error: string | null = null;
    // Through the runPipeline bracket, as the other runners' conformance does: a Session refuses a
    // run whose inputs are missing before any hook (RunNotStartedError, Sluice's deliberate
    // difference), while the samples answer Kedro's runner behaviour.
    await withEnv({ SLUICE_TEST_RECORD: recordFile }, async () => {
      try {
        const { catalog } = await session.createCatalog({}, sample.id);
        const pipeline = await session.selectPipeline({ pipelineName: sample.id });
        const runParams = defaultRunParams({
          runId: session.runId,
          projectPath: PROJECT,
          pipelineName: sample.id,
          runner: runner.name,
        });
        const result = await runPipeline({
          pipeline,
          catalog,
          hooks: session.hooks,
          runner,
          runParams,
          options: {
            project: {
              projectPath: PROJECT,
              env: session.env,
              confSource: session.confSource,
              runtimeParams: {},
              pipelineName: sample.id,
              loadVersions: {},
            },
          },
        });
        outputs = result.outputs;
      } catch (thrown) {
        error = kedroName(thrown);
      }
    });
    const lines = readRecord<Recorded>(recordFile).filter((line) => line.id === sample.id);
    const got: RunAnswer = {
      trace: lines.map((line) => [line.hook, line.subject]),
      hook_data: lines.map((line) => line.data),
      node_order: [],
      outputs,
      error,
    };
    assertCanonicallyEqual(got, sample.expected, sample.nodes);
  });
}
