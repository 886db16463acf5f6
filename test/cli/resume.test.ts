/**
 * `sluice run --resume` and `sluice run --incremental --explain`, from a child process on the
 * `numbers` fixture: a failed or cancelled run resumes with its own choices from the nodes it
 * recorded (walking back past memory datasets); with nothing to resume the command says so.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import {
  assertExit,
  copyProject,
  ensureBuilt,
  skipped,
  sluice,
  sorted,
  started,
  tempDir,
} from './support.ts';

before(() => ensureBuilt());

/** `[incremental] <node>: <decision>` lines, by node. */
function explained(stderr: string): Record<string, string> {
  return Object.fromEntries(
    [...stderr.matchAll(/^\[incremental\] (\S+): (.+)$/gm)].map((match) => [match[1]!, match[2]!]),
  );
}

describe('sluice run --resume', { concurrency: true }, () => {
  test('after a failure: same pipeline and params, from the nodes before the failure past memory data', async () => {
    const project = copyProject('numbers');
    const out = tempDir('out');
    const failedRun = await sluice(
      ['run', '--pipeline', 'main', '--progress', 'plain', '--params', `out_dir=${out}`],
      {
        cwd: project,
        env: { SLUICE_CLI_FAIL: 'total' },
      },
    );
    assertExit(failedRun, 1);
    assert.ok(!existsSync(join(out, 'report.txt')));
    const resumed = await sluice(['run', '--resume', '--progress', 'plain'], { cwd: project });
    assertExit(resumed, 0);
    // total read `shifted` and describe `squares`, both in memory: their producers run again; double doesn't.
    assert.match(resumed.stderr, /^Resuming run \S+ \(failed\) from shift, square\.$/m);
    assert.deepEqual(sorted(started(resumed.stderr)), ['describe', 'shift', 'square', 'total']);
    assert.equal(readFileSync(join(out, 'report.txt'), 'utf8'), 'total=60 squares=1,4,9,16 label=base\n');
    const again = await sluice(['run', '--resume'], { cwd: project });
    assertExit(again, 0);
    assert.match(again.stderr, /The last run of this project succeeded: there is nothing to resume\./);
  });

  test('after SIGINT: the cancelled run resumes from the node that did not finish', async () => {
    const project = copyProject('numbers');
    const out = tempDir('out');
    const hold = join(tempDir('hold'), 'release');
    let sent = 0;
    const cancelled = await sluice(
      ['run', '--pipeline', 'slow', '--progress', 'plain', '--params', `out_dir=${out}`],
      {
        cwd: project,
        env: { SLUICE_CLI_HOLD_FILE: hold },
        onStderr: (stderr, child) => {
          if (sent === 0 && /^\[sluice\] ▶ nap_first$/m.test(stderr)) {
            sent++;
            child.kill('SIGINT');
          } else if (sent === 1 && stderr.includes('Received SIGINT')) {
            sent++;
            writeFileSync(hold, '');
          }
        },
      },
    );
    assertExit(cancelled, 130);
    assert.deepEqual(skipped(cancelled.stderr), ['nap_second']);
    const resumed = await sluice(['run', '--resume', '--progress', 'plain'], { cwd: project });
    assertExit(resumed, 0);
    // nap_second reads `napped`, which lived in memory: nap_first runs again to make it.
    assert.match(resumed.stderr, /^Resuming run \S+ \(cancelled\) from nap_first\.$/m);
    assert.deepEqual(started(resumed.stderr), ['nap_first', 'nap_second']);
  });

  test('with no run recorded it says so and exits 2; other choices with --resume are refused', async () => {
    const project = copyProject('numbers');
    const none = await sluice(['run', '--resume'], { cwd: project });
    assertExit(none, 2);
    assert.match(none.stderr, /^Error: No run of this project is recorded \(\.sluice\/runs\/last\.json\)/m);
    const mixed = await sluice(['run', '--resume', '--nodes', 'double', '--params', 'x=1'], { cwd: project });
    assertExit(mixed, 2);
    assert.match(
      mixed.stderr,
      /--resume takes the failed run's own choices, so --params, --nodes can't go with it\./,
    );
  });
});

describe('sluice run --incremental --explain', () => {
  test('first run: no record; second: every node skipped; a changed param reruns its reader and what follows', async () => {
    const project = copyProject('numbers');
    const out = tempDir('out');
    const args = ['run', '--pipeline', 'main', '--progress', 'plain', '--params', `out_dir=${out}`];
    const first = await sluice([...args, '--explain'], { cwd: project });
    assertExit(first, 0);
    assert.deepEqual(Object.values(explained(first.stderr)), Array(5).fill('runs, no record'));
    const second = await sluice([...args, '--incremental', '--explain'], { cwd: project });
    assertExit(second, 0);
    assert.deepEqual(started(second.stderr), []);
    assert.deepEqual(Object.values(explained(second.stderr)), Array(5).fill('skipped, up to date'));
    assert.match(second.stderr, /^\[sluice\] - double skipped \(up to date\)$/m);
    assert.match(second.stderr, /5 nodes: 0 done, 0 failed, 5 skipped/);
    const changed = await sluice(
      [
        'run',
        '--pipeline',
        'main',
        '--progress',
        'plain',
        '--params',
        `out_dir=${out},offset=5`,
        '--explain',
      ],
      { cwd: project },
    );
    assertExit(changed, 0);
    assert.deepEqual(explained(changed.stderr), {
      double: 'skipped, up to date',
      square: 'skipped, up to date',
      shift: 'runs, param offset changed',
      total: 'runs, input shifted changed',
      describe: 'runs, input total changed',
    });
    assert.equal(readFileSync(join(out, 'report.txt'), 'utf8'), 'total=40 squares=1,4,9,16 label=base\n');
    const plain = await sluice(args, { cwd: project });
    assert.deepEqual(
      sorted(started(plain.stderr)),
      ['describe', 'double', 'shift', 'square', 'total'],
      'off unless asked',
    );
  });
});
