/**
 * `sluice run` records and `sluice runs` reads, as a user types them: list/show/compare/prune and
 * their --json, no colour off a terminal, --no-tracking, two runs at once on one project each
 * recorded whole, and a run killed with SIGKILL shown as interrupted by the next command.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, test } from 'node:test';
import type { RunDetail, RunSummary } from '../../src/plugin-api/index.ts';
import { TOKEN, TOKEN_ENV, secretsInStore, writeTrackedProject } from '../run-store/support.ts';
import { assertExit, ensureBuilt, linkSluice, sluice } from './support.ts';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof BetterSqlite3;
const ENV = { [TOKEN_ENV]: TOKEN };
/** The start of an ANSI colour sequence (ESC [). */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

/**
 * The tracked project; its parallel runs stay on worker threads (`serialBelow: 0`), so that `runs
 * show` has thread names to show, though the sequential run before gives the runner estimates.
 */
function project(): string {
  const folder = writeTrackedProject('package');
  const config = join(folder, 'sluice.config.ts');
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(
      '  hooks: [checker],\n',
      '  hooks: [checker],\n  runner: { serialBelow: 0 },\n',
    ),
  );
  linkSluice(folder);
  return folder;
}

async function json<T>(cwd: string, args: readonly string[]): Promise<T> {
  const outcome = await sluice([...args, '--json'], { cwd, env: ENV });
  assertExit(outcome, 0);
  return JSON.parse(outcome.stdout) as T;
}

before(() => ensureBuilt());

test('runs list, show, compare and prune, in text and JSON', async () => {
  const cwd = project();
  assertExit(await sluice(['run', '--progress', 'off'], { cwd, env: ENV }), 0);
  assertExit(
    await sluice(['run', '--progress', 'off', '--params', 'model.alpha=2', '--runner', 'parallel'], {
      cwd,
      env: ENV,
    }),
    0,
  );
  assertExit(await sluice(['run', '--progress', 'off', '--pipeline', 'failing'], { cwd, env: ENV }), 1);

  const runs = await json<RunSummary[]>(cwd, ['runs', 'list']);
  assert.deepEqual(
    runs.map((run) => [run.pipeline, run.runner, run.status]),
    [
      ['failing', 'sequential', 'failed'],
      ['__default__', 'parallel', 'success'],
      ['__default__', 'sequential', 'success'],
    ],
  );
  const [failed, second, first] = runs as [RunSummary, RunSummary, RunSummary];

  const list = await sluice(['runs', 'list', '--metric', 'r2'], { cwd, env: ENV });
  assertExit(list, 0);
  assert.doesNotMatch(list.stdout, ANSI, 'no colour when stdout is not a terminal');
  const lines = list.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^id\s+started\s+status\s+duration\s+pipeline\s+runner\s+r2$/);
  assert.match(lines[1]!, /failed .* failing .* -$/);
  assert.match(
    lines[2]!,
    new RegExp(
      `^${second.id.slice(-4)} .* success .* __default__ .* parallel .* ${String(second.metrics.r2).slice(0, 4)}`,
    ),
  );

  const shown = await sluice(['runs', 'show', failed.id.slice(-4)], { cwd, env: ENV });
  assertExit(shown, 0);
  assert.match(shown.stdout, /^status\s+failed$/m);
  assert.match(shown.stdout, /^upload\s+failed\s+1\s+\S+\s+main\s+upload of 3 rows refused: token \*\*\*/m);
  assert.match(shown.stdout, /^companies\s+load\s+prepare\s+3\s+3\s+-$/m);
  const detail = await json<RunDetail>(cwd, ['runs', 'show', first.id]);
  assert.equal(detail.nodes.length, 3);
  assert.deepEqual(Object.keys(detail.metrics).sort(), ['mae', 'r2']);
  // The parallel run's nodes name the worker threads that ran them, in the table and in JSON.
  const parallel = await json<RunDetail>(cwd, ['runs', 'show', second.id]);
  for (const node of parallel.nodes) assert.match(node.worker ?? '', /^thread \d+$/, node.name);
  const parallelShown = await sluice(['runs', 'show', second.id], { cwd, env: ENV });
  assertExit(parallelShown, 0);
  assert.match(parallelShown.stdout, /^node\s+status\s+attempts\s+duration\s+worker\s+note$/m);
  assert.match(parallelShown.stdout, /^train\s+success\s+1\s+\S+\s+thread \d+\s*$/m);

  const compared = await sluice(['runs', 'compare', first.id.slice(-4), second.id.slice(-4)], {
    cwd,
    env: ENV,
  });
  assertExit(compared, 0);
  assert.match(
    compared.stdout,
    /^\*\s+param params:model\.alpha\s+0\.5\s+2$/m,
    'a differing param is marked',
  );
  assert.match(compared.stdout, /^\s+metric r2\s+(\S+)\s+\1$/m, 'an equal metric is not');
  const comparison = await json<{ runs: string[]; params: { name: string; differs: boolean }[] }>(cwd, [
    'runs',
    'compare',
    first.id,
    second.id,
  ]);
  assert.deepEqual(comparison.runs, [first.id, second.id]);
  assert.equal(comparison.params.find((param) => param.name === 'params:model.alpha')?.differs, true);

  const ambiguous = await sluice(['runs', 'show', '2'], { cwd, env: ENV });
  assertExit(ambiguous, 2);
  assert.match(ambiguous.stderr, /Run id "2" is ambiguous: it matches 3 runs/);

  const pruned = await sluice(['runs', 'prune', '--keep', '1'], { cwd, env: ENV });
  assertExit(pruned, 0);
  assert.match(pruned.stdout, /Removed the records of 2 runs; 1 kept/);
  assert.match(pruned.stdout, /Left on disk: 4 versioned files/);
  assert.deepEqual(
    (await json<RunSummary[]>(cwd, ['runs', 'list'])).map((run) => run.id),
    [failed.id],
  );
  assert.deepEqual(secretsInStore(cwd), []);
});

test('--no-tracking records nothing', async () => {
  const cwd = project();
  assertExit(await sluice(['run', '--progress', 'off', '--no-tracking'], { cwd, env: ENV }), 0);
  assert.equal(existsSync(join(cwd, '.sluice', 'runs.db')), false);
  const listed = await sluice(['runs', 'list'], { cwd, env: ENV });
  assertExit(listed, 0);
  assert.match(listed.stdout, /No runs recorded yet/);
  const shown = await sluice(['runs', 'show', 'abcd'], { cwd, env: ENV });
  assertExit(shown, 2);
  assert.match(shown.stderr, /No runs recorded yet/);
  assert.equal(existsSync(join(cwd, '.sluice', 'runs.db')), false, 'reading creates no store');
});

test('two runs at once on one project are each recorded whole', async () => {
  const cwd = project();
  const outcomes = await Promise.all([
    sluice(['run', '--progress', 'off'], { cwd, env: ENV }),
    sluice(['run', '--progress', 'off', '--runner', 'async'], { cwd, env: ENV }),
  ]);
  for (const outcome of outcomes) assertExit(outcome, 0);
  const runs = await json<RunSummary[]>(cwd, ['runs', 'list']);
  assert.equal(runs.length, 2);
  for (const run of runs) {
    const detail = await json<RunDetail>(cwd, ['runs', 'show', run.id]);
    assert.equal(detail.status, 'success');
    assert.deepEqual(
      detail.nodes.map((node) => node.status),
      ['success', 'success', 'success'],
    );
    assert.equal(detail.datasets.length, 7);
    assert.deepEqual(Object.keys(detail.metrics).sort(), ['mae', 'r2']);
  }
});

test('a run killed with SIGKILL is shown as interrupted', async () => {
  const cwd = project();
  const store = join(cwd, '.sluice', 'runs.db');
  let ended: string | undefined;
  const holding = sluice(['run', '--progress', 'off', '--pipeline', 'hold'], { cwd, env: ENV }).then(
    (outcome) => {
      ended = outcome.output;
      return outcome;
    },
  );
  // Wait for the tracked node to be on record as running, then kill the run's process.
  let pid: number | undefined;
  while (pid === undefined) {
    await sleep(50);
    if (ended !== undefined) assert.fail(`the run ended before it was killed:\n${ended}`);
    if (!existsSync(store)) continue;
    const database = new Database(store, { readonly: true });
    try {
      const row = database
        .prepare(
          `SELECT r.pid FROM runs r JOIN node_runs n ON n.run_id = r.id WHERE n.node = 'hold' AND n.status = 'running'`,
        )
        .get() as { pid: number } | undefined;
      pid = row?.pid;
    } catch {
      // The schema is being created.
    } finally {
      database.close();
    }
  }
  process.kill(pid, 'SIGKILL');
  const killed = await holding;
  assert.equal(killed.signal, 'SIGKILL');
  const [run] = await json<RunDetail[]>(cwd, ['runs', 'list']);
  assert.equal(run?.status, 'interrupted');
  const detail = await json<RunDetail>(cwd, ['runs', 'show', run.id]);
  assert.deepEqual(
    detail.nodes.map((node) => [node.name, node.status]),
    [['hold', 'interrupted']],
  );
});
