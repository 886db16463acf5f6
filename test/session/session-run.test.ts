/**
 * Session.run on the `basic` fixture project, in process: run parameters, the once-per-run hooks,
 * failures and cancellation through the session, the report and the logged resume command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunParams, SluicePlugin } from '../../src/index.ts';
import {
  MissingInputsError,
  RunCancelledError,
  RunNotStartedError,
  SequentialRunner,
  Session,
} from '../../src/index.ts';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import { BASIC, freshDataDir, readRecord, withEnv } from './support.ts';

interface Line {
  plugin: string;
  hook: string;
  subject: string | null;
  threadId: number;
  runner?: string;
  error?: string;
  message?: string;
}

/** Opens the basic project on a fresh data folder; `logged` collects what the session logs. */
async function open(): Promise<{ session: Session; recordFile: string; dataDir: string; logged: string[] }> {
  const { dataDir, recordFile } = freshDataDir(BASIC);
  const logged: string[] = [];
  const session = await Session.create({
    projectPath: BASIC,
    runtimeParams: { data_dir: dataDir },
    log: (line) => logged.push(line),
  });
  return { session, recordFile, dataDir, logged };
}

/** Runs `action` with the recorder pointed at `recordFile`; returns the error it threw, if any. */
async function recorded(
  recordFile: string,
  env: Record<string, string>,
  action: () => Promise<unknown>,
): Promise<Error | undefined> {
  return withEnv({ SLUICE_TEST_RECORD: recordFile, ...env }, async () => {
    try {
      await action();
      return undefined;
    } catch (error) {
      return error as Error;
    }
  });
}

const hooksOf = (lines: Line[], plugin = 'recorder') =>
  lines
    .filter((line) => line.plugin === plugin)
    .map((line) => (line.subject === null ? line.hook : `${line.hook} ${line.subject}`));

test('beforePipelineRun gets complete runParams: run id, project, env, pipeline, filters, runner, runtime params', async () => {
  const { session, dataDir } = await open();
  let seen: RunParams | undefined;
  session.hooks.register({
    name: 'spy',
    beforePipelineRun: ({ runParams }) => void (seen = runParams),
  } satisfies SluicePlugin);
  await session.run({ tags: ['math'], runner: 'async' });
  assert.ok(seen);
  assert.equal(seen.runId, session.runId);
  assert.equal(seen.projectPath, session.projectPath);
  assert.equal(seen.env, 'local');
  assert.equal(seen.confSource, 'conf');
  assert.equal(seen.pipelineName, '__default__');
  assert.deepEqual(seen.tags, ['math']);
  assert.equal(seen.runner, 'async');
  assert.equal(seen.isAsync, false);
  assert.deepEqual(seen.runtimeParams, { data_dir: dataDir });
  assert.equal(seen.onlyMissingOutputs, false);
  assert.equal(seen.continueOnFailure, false);
  assert.equal(typeof seen.sluiceVersion, 'string');
});

test('the run hooks fire once per run, in order, in this thread; filters select the nodes', async () => {
  const { session, recordFile } = await open();
  const error = await recorded(recordFile, {}, () => session.run({ tags: ['math'] }));
  assert.equal(error, undefined);
  const lines = readRecord<Line>(recordFile);
  assert.deepEqual(
    hooksOf(lines).filter((hook) => !hook.includes(' ')),
    ['afterContextCreated', 'afterCatalogCreated', 'beforePipelineRun', 'afterPipelineRun'],
  );
  assert.deepEqual(
    hooksOf(lines).filter((hook) => hook.startsWith('beforeNodeRun')),
    ['beforeNodeRun double', 'beforeNodeRun shift'],
  );
  assert.ok(lines.every((line) => line.threadId === 0));
  assert.equal(lines.find((line) => line.hook === 'beforePipelineRun')?.runner, 'sequential');
});

test('a session runs once', async () => {
  const { session } = await open();
  await session.run({ nodeNames: ['square'] });
  await assert.rejects(session.run(), /already run; create a new Session/);
});

test('the runner can be a name or an instance, and an unknown name is refused', async () => {
  const custom = new (class extends SequentialRunner {
    override readonly name = 'custom';
  })();
  const { session } = await open();
  let runner: string | undefined;
  session.hooks.register({
    name: 'spy',
    beforePipelineRun: ({ runParams }) => void (runner = runParams.runner),
  } satisfies SluicePlugin);
  await session.run({ runner: custom, nodeNames: ['square'] });
  assert.equal(runner, 'custom');
  const other = await open();
  await assert.rejects(other.session.run({ runner: 'threads' as 'parallel' }), /Unknown runner "threads"/);
});

test('after a success the report holds the state and no resume nodes; nothing is logged', async () => {
  const { session, logged } = await open();
  await session.run();
  assert.deepEqual(session.report?.resumeFromNodes, []);
  assert.deepEqual(session.report?.state.completed, ['double', 'square', 'shift', 'total', 'describe']);
  assert.equal(session.report?.runParams.runId, session.runId);
  assert.deepEqual(logged, []);
});

test('after a node failure the report gives Kedro’s resume nodes and the session logs the command', async () => {
  const { session, recordFile, dataDir, logged } = await open();
  const error = await recorded(recordFile, { SLUICE_TEST_FAIL: 'shift' }, () => session.run());
  assert.equal(error?.message, 'shift failed on purpose');
  // double and square finished; shift reads doubled (a JSON file), describe reads squares (memory) → square reruns.
  assert.deepEqual(session.report?.state.completed, ['double', 'square']);
  assert.deepEqual(session.report?.resumeFromNodes, ['shift', 'square']);
  assert.deepEqual(logged, [
    'There are 3 nodes that have not run. Resume from the nearest nodes with persisted inputs:\n' +
      `  sluice run --params data_dir=${dataDir} --from-nodes shift,square`,
  ]);
  const lines = readRecord<Line>(recordFile);
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.message),
    ['shift failed on purpose'],
  );
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onNodeError').map((line) => `${line.plugin} ${line.subject}`),
    ['main-recorder shift', 'recorder shift'],
  );
});

test('a failure before any node finished logs nothing: the same command should be rerun', async () => {
  const { session, recordFile, logged } = await open();
  const error = await recorded(recordFile, { SLUICE_TEST_FAIL: 'double' }, () => session.run());
  assert.equal(error?.message, 'double failed on purpose');
  assert.deepEqual(session.report?.resumeFromNodes, []);
  assert.deepEqual(logged, []);
});

test('a missing free input stops the run before beforePipelineRun: RunNotStartedError, no pipeline hook, no report', async () => {
  const { session, recordFile, logged } = await open();
  // total alone reads `shifted`, a memory dataset only shift (left out by the filter) produces.
  const error = await recorded(recordFile, {}, () => session.run({ nodeNames: ['total'] }));
  assert.ok(error instanceof RunNotStartedError, `got ${String(error)}`);
  const [problem] = error.problems;
  assert.ok(problem instanceof MissingInputsError, `got ${String(problem)}`);
  assert.deepEqual(problem.datasets, ['shifted']);
  assert.equal(
    error.message,
    'Node "total" reads "shifted", which node "shift" produces in memory, and this run leaves that node out.',
  );
  assert.match(
    error.hint ?? '',
    /include "shift" in the run, or declare "shifted" in conf\/base\/catalog\.yml/i,
  );
  const lines = readRecord<Line>(recordFile);
  assert.deepEqual(hooksOf(lines), ['afterContextCreated', 'afterCatalogCreated']);
  assert.equal(session.report, undefined, 'a run that never started has no report');
  assert.deepEqual(logged, [], 'no resume command for a run that never started');
});

test('an error thrown by beforePipelineRun reaches onPipelineError once and sets the report', async () => {
  const { session, recordFile, logged } = await open();
  session.hooks.register({
    name: 'gate',
    beforePipelineRun: () => {
      throw new Error('gate closed');
    },
  } satisfies SluicePlugin);
  const error = await recorded(recordFile, {}, () => session.run());
  assert.equal(error?.message, 'gate closed');
  const lines = readRecord<Line>(recordFile);
  assert.equal(lines.filter((line) => line.hook === 'onPipelineError').length, 1);
  assert.equal(
    lines.some((line) => line.hook === 'beforeNodeRun'),
    false,
  );
  assert.deepEqual(session.report?.state.completed, []);
  assert.deepEqual(logged, []);
});

test('an AbortSignal cancels a Session run: the running node settles, RunCancelledError reaches onPipelineError once', async () => {
  const { session, recordFile, logged, dataDir } = await open();
  const controller = new AbortController();
  session.hooks.register({
    name: 'stopper',
    beforeNodeRun: () => void controller.abort('SIGINT'),
  } satisfies SluicePlugin);
  const error = await recorded(recordFile, { SLUICE_TEST_SLEEP_MS: '20' }, () =>
    session.run({ pipelineName: 'slow', signal: controller.signal }),
  );
  assert.ok(error instanceof RunCancelledError, `got ${String(error)}`);
  assert.equal(error.message, 'The run was cancelled (SIGINT).');
  const lines = readRecord<Line>(recordFile);
  assert.deepEqual(
    hooksOf(lines).filter((hook) => hook.startsWith('beforeNodeRun') || hook.startsWith('afterNodeRun')),
    ['beforeNodeRun a', 'afterNodeRun a'],
  );
  assert.deepEqual(
    lines.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
    ['RunCancelledError'],
  );
  // a finished; b, c and d read numbers (a file), so they are where to resume.
  assert.deepEqual(session.report?.resumeFromNodes, ['b', 'c', 'd']);
  assert.deepEqual(logged, [
    'There are 3 nodes that have not run. Resume from the nearest nodes with persisted inputs:\n' +
      `  sluice run --pipeline slow --params data_dir=${dataDir} --from-nodes b,c,d`,
  ]);
});

test(
  'the async runner overlaps the slow pipeline’s waiting nodes through a Session',
  { timeout: SAFETY_NET_MS },
  async () => {
    // Counted, not timed: the nodes hold until a file appears, which the spy creates once all four
    // are in flight at once; a runner that ran them one at a time would never get there.
    const maxInFlight = async (runner: 'sequential' | 'async', holdUntilAllFour: boolean) => {
      const { session, dataDir } = await open();
      const hold = join(dataDir, 'release');
      const stats = { now: 0, max: 0 };
      session.hooks.register({
        name: 'counter',
        beforeNodeRun: () => {
          stats.max = Math.max(stats.max, ++stats.now);
          if (stats.now === 4) writeFileSync(hold, '');
        },
        afterNodeRun: () => void stats.now--,
      } satisfies SluicePlugin);
      const env = holdUntilAllFour ? { SLUICE_TEST_HOLD_FILE: hold } : { SLUICE_TEST_SLEEP_MS: '20' };
      await withEnv(env, () => session.run({ pipelineName: 'slow', runner }));
      return stats.max;
    };
    assert.equal(await maxInFlight('sequential', false), 1);
    assert.equal(await maxInFlight('async', true), 4);
  },
);
