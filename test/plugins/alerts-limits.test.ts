/**
 * How long alerts may hold a run, against a real HTTP receiver that never answers: the run's
 * `time_budget_ms` bounds every delivery together, a cancelled run stops its deliveries at once,
 * and `fail_pipeline` ends a run with onPipelineError alone, never afterPipelineRun as well.
 *
 * The per-attempt timeouts below are ten minutes, so a test passing at all shows that the budget
 * or the cancellation ended the delivery; nothing here compares timings.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AlertsFailedError, RunCancelledError, Session } from '../../src/index.ts';
import type { SessionRunOptions } from '../../src/index.ts';
import type { HttpReceiver } from './alerts-peers.ts';
import { startHttpReceiver } from './alerts-peers.ts';
import { writeProject } from './step-hooks-support.ts';
import { withEnv } from '../session/support.ts';

let http: HttpReceiver;
before(async () => {
  http = await startHttpReceiver('unused-signing-secret');
});
after(() => http.close());

const CONFIG = `
import { appendFileSync } from 'node:fs';
import { alertsPlugin, defineConfig, definePlugin, node, Pipeline } from '{{sluice}}';

const record = (kind: string, text: string) =>
  appendFileSync(process.env.SLUICE_TEST_RECORD!, JSON.stringify({ kind, text }) + '\\n');
const recorder = definePlugin({
  name: 'recorder',
  afterPipelineRun: () => record('hook', 'afterPipelineRun'),
  onPipelineError: ({ error }) => record('hook', 'onPipelineError ' + error.name),
});

export default defineConfig({
  hooks: [alertsPlugin({ log: (line) => record('log', line) }), recorder],
  pipelines: {
    __default__: new Pipeline([
      node(() => 1, undefined, 'one', { name: 'first', tags: ['critical'] }),
      node((x: number) => x + 1, 'one', 'two', { name: 'second', tags: ['critical'] }),
    ]),
  },
});
`;

function project(alertsYml: string, path: string): string {
  return writeProject({
    'sluice.config.ts': CONFIG,
    'conf/base/alerts.yml': alertsYml,
    'conf/local/credentials.yml': `target: { url: "${http.url}${path}" }\n`,
  });
}

async function run(
  projectPath: string,
  options: SessionRunOptions = {},
): Promise<{ error: Error | undefined; seen: string[]; logs: string[] }> {
  const recordFile = join(projectPath, 'record.jsonl');
  writeFileSync(recordFile, '');
  let error: Error | undefined;
  await withEnv({ SLUICE_TEST_RECORD: recordFile }, async () => {
    const session = await Session.create({ projectPath, log: () => {} });
    try {
      await session.run(options);
    } catch (thrown) {
      error = thrown as Error;
    }
  });
  const lines = readFileSync(recordFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; text: string });
  const of = (kind: string) => lines.filter((line) => line.kind === kind).map((line) => line.text);
  return { error, seen: of('hook'), logs: of('log') };
}

test('a hanging receiver holds the run no longer than time_budget_ms; later alerts are not sent', async () => {
  const path = '/hang/budget';
  const outcome = await run(
    project(
      `alerters:
  slow: { type: webhook, credentials: target }
attach: { tags: [critical], on: [success] }
delivery: { retries: 3, delay_ms: 10, timeout_ms: 600000 }
time_budget_ms: 300
`,
      path,
    ),
  );
  assert.equal(outcome.error, undefined, 'undelivered alerts never fail the run by default');
  assert.deepEqual(outcome.seen, ['afterPipelineRun']);
  // The first attempt is cut short by the budget (on a loaded machine, maybe before its request
  // arrived); no retry and no second alert goes out after it.
  assert.ok(http.on(path).length <= 1, `${http.on(path).length} requests arrived`);
  const spent = outcome.logs.filter((line) => line.includes("the alerts' time budget for this run"));
  assert.ok(spent.length >= 1, outcome.logs.join('\n'));
  assert.match(spent.at(-1)!, /time_budget_ms: 300\) is spent/);
});

test('cancelling the run stops a hanging delivery at once', async () => {
  const path = '/hang/cancel';
  const controller = new AbortController();
  const projectPath = project(
    `alerters:
  slow: { type: webhook, credentials: target }
attach: { tags: [critical], on: [success] }
delivery: { retries: 3, delay_ms: 10, timeout_ms: 600000 }
time_budget_ms: 600000
`,
    path,
  );
  const arrived = (async () => {
    while (http.on(path).length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort('SIGINT');
  })();
  const outcome = await run(projectPath, { signal: controller.signal });
  await arrived;
  assert.ok(outcome.error instanceof RunCancelledError, String(outcome.error));
  assert.deepEqual(outcome.seen, ['onPipelineError RunCancelledError']);
  assert.equal(http.on(path).length, 1, 'no retry after the cancellation');
});

test('fail_pipeline: a run whose alerts failed fires onPipelineError only, never afterPipelineRun too', async () => {
  const path = '/forbidden/fail';
  const outcome = await run(
    project(
      `alerters:
  refused: { type: webhook, credentials: target }
attach: { tags: [critical], on: [success] }
fail_pipeline: true
`,
      path,
    ),
  );
  assert.ok(outcome.error instanceof AlertsFailedError, String(outcome.error));
  assert.deepEqual(outcome.seen, ['onPipelineError AlertsFailedError']);
});
