/**
 * The progress display of `sluice run`, from a child process: plain lines (the default when stderr
 * is not a terminal, as here) with the summary table, the live block's ANSI escapes, `off`, and
 * the parallel runner relaying every node's events to the display in the main thread.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  assertExit,
  copyProject,
  done,
  ensureBuilt,
  failed,
  skipped,
  sluice,
  sorted,
  started,
  tempDir,
} from './support.ts';

const ALL = ['describe', 'double', 'shift', 'square', 'stats.maximum', 'stats.minimum', 'total'];
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

let project: string;

before(async () => {
  ensureBuilt();
  project = copyProject('numbers');
  assertExit(await sluice(['pipeline', 'list'], { cwd: project }), 0);
});

const run = (args: readonly string[], env: Record<string, string> = {}) =>
  sluice(['run', '--params', `out_dir=${tempDir('out')}`, ...args], { cwd: project, env });

/** The progress lines in plain mode, with durations blanked so that they compare. */
const plainLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.startsWith('[sluice] '))
    .map((line) => line.replace(/\d+\.\d\ds/, 'N.NNs'));

describe('progress display', { concurrency: true }, () => {
  test('--progress plain, and the default without a terminal: one line per event, then the summary table', async () => {
    const [plain, auto] = await Promise.all([run(['--progress', 'plain']), run([])]);
    for (const outcome of [plain, auto]) {
      assertExit(outcome, 0);
      assert.deepEqual(plainLines(outcome.stderr), [
        '[sluice] ○ 7 nodes queued (sequential runner)',
        '[sluice] ▶ double',
        '[sluice] ✓ double N.NNs',
        '[sluice] ▶ square',
        '[sluice] ✓ square N.NNs',
        '[sluice] ▶ stats.maximum',
        '[sluice] ✓ stats.maximum N.NNs',
        '[sluice] ▶ stats.minimum',
        '[sluice] ✓ stats.minimum N.NNs',
        '[sluice] ▶ shift',
        '[sluice] ✓ shift N.NNs',
        '[sluice] ▶ total',
        '[sluice] ✓ total N.NNs',
        '[sluice] ▶ describe',
        '[sluice] ✓ describe N.NNs',
      ]);
      const table = outcome.stderr
        .slice(outcome.stderr.indexOf('\nnode ') + 1)
        .trimEnd()
        .split('\n');
      assert.match(table[0]!, /^node +load +run +save +total +status +written to$/);
      assert.deepEqual(
        table.slice(1, -2).map((line) => line.split(/ +/)[0]),
        ['double', 'square', 'stats.maximum', 'stats.minimum', 'shift', 'total', 'describe'],
      );
      for (const line of table.slice(1, -2)) assert.match(line, /^\S+( +\d+\.\d\d){4} +done\b/);
      assert.match(table.at(-2)!, /^time: load .* in nodes; \d+\.\d\ds \(\d+\.\d%\) outside them$/);
      assert.match(table.at(-1)!, /^7 nodes: 7 done, 0 failed, 0 skipped in \d+\.\d\ds$/);
      assert.doesNotMatch(outcome.stderr, ANSI, 'no colours or cursor moves without a terminal');
      assert.equal(outcome.stdout, '', "progress goes to stderr; stdout stays the user's");
    }
  });

  test("plain lines for a failure: the error's first line, skipped nodes, failed and skipped in the table", async () => {
    const outcome = await run(['--progress', 'plain', '--pipeline', 'main'], { SLUICE_CLI_FAIL: 'shift' });
    assertExit(outcome, 1);
    assert.match(outcome.stderr, /^\[sluice\] ✗ shift \d+\.\d\ds: shift failed on purpose$/m);
    assert.deepEqual(failed(outcome.stderr), ['shift']);
    assert.deepEqual(skipped(outcome.stderr), ['total', 'describe']);
    assert.match(outcome.stderr, /^shift +(\d+\.\d\d +){2}- +\d+\.\d\d +failed$/m);
    assert.match(outcome.stderr, /^total +(- +){4}skipped$/m);
    assert.match(outcome.stderr, /^5 nodes: 2 done, 1 failed, 2 skipped in /m);
  });

  test('--progress live: the block redrawn with ANSI escapes, then the summary table', async () => {
    const outcome = await run(['--progress', 'live']);
    assertExit(outcome, 0);
    assert.match(outcome.stderr, ANSI);
    // eslint-disable-next-line no-control-regex
    assert.match(outcome.stderr, /\u001b\[\d+A/, 'moves the cursor up to redraw the block');
    assert.match(outcome.stderr, /sequential run · \d+\/7 nodes/);
    assert.deepEqual(started(outcome.stderr), [], 'no plain lines');
    assert.match(
      outcome.stderr,
      // eslint-disable-next-line no-control-regex
      /^(\u001b\[[0-9;]*[A-Za-z]|\r)*node +load +run +save +total +status +written to$/m,
    );
    assert.match(outcome.stderr, /^7 nodes: 7 done, 0 failed, 0 skipped in \d+\.\d\ds$/m);
    assert.equal(outcome.stdout, '');
  });

  test('--progress off: no progress line and no table', async () => {
    const outcome = await run(['--progress', 'off']);
    assertExit(outcome, 0);
    assert.equal(outcome.stderr, '');
    assert.equal(outcome.stdout, '');
  });

  test('--runner parallel and async: the plain lines still show every node (relayed from the workers)', async () => {
    const [parallel, asynchronous] = await Promise.all([
      run(['--progress', 'plain', '--runner', 'parallel']),
      run(['--progress', 'plain', '--runner', 'async']),
    ]);
    for (const [runner, outcome] of [
      ['parallel', parallel],
      ['async', asynchronous],
    ] as const) {
      assertExit(outcome, 0);
      assert.match(outcome.stderr, new RegExp(`^\\[sluice\\] ○ 7 nodes queued \\(${runner} runner\\)$`, 'm'));
      assert.deepEqual(sorted(started(outcome.stderr)), ALL, outcome.output);
      assert.deepEqual(sorted(done(outcome.stderr)), ALL, outcome.output);
      assert.match(outcome.stderr, /^7 nodes: 7 done, 0 failed, 0 skipped in /m);
    }
  });
});
