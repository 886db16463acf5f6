/**
 * `sluice` exit codes and error reports, from a child process: 0 success, 1 a failed run (with the
 * command that resumes it), 2 usage and configuration errors (nothing ran), 130 a run cancelled by
 * SIGINT or SIGTERM. Errors print one message and a hint, no stack trace unless --verbose.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import type { Outcome } from './support.ts';
import {
  assertExit,
  configure,
  copyProject,
  done,
  ensureBuilt,
  readJson,
  readRecord,
  shellWords,
  skipped,
  sluice,
  sorted,
  STACK_FRAME,
  started,
  tempDir,
  write,
} from './support.ts';

interface RecordLine {
  hook: string;
  node?: string;
  error?: string;
  message?: string;
}

let project: string;

before(async () => {
  ensureBuilt();
  project = copyProject('numbers');
  // Compiles the project's config once, before tests run side by side.
  assertExit(await sluice(['pipeline', 'list'], { cwd: project }), 0);
});

/** `sluice <args>` in the project with a record file for the recorder hook. */
async function sluiceRecorded(
  args: readonly string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    onStderr?: (stderr: string, child: ChildProcess) => void;
  } = {},
): Promise<Outcome & { record: RecordLine[] }> {
  const recordFile = join(tempDir('record'), 'record.jsonl');
  const outcome = await sluice(args, {
    cwd: options.cwd ?? project,
    env: { SLUICE_CLI_RECORD: recordFile, ...options.env },
    ...(options.onStderr === undefined ? {} : { onStderr: options.onStderr }),
  });
  return { ...outcome, record: readRecord<RecordLine>(recordFile) };
}

/** One message, one hint, the --verbose pointer, and no stack frame. */
function assertOneClearError(outcome: Outcome, message: RegExp): void {
  const errors = outcome.stderr.match(/^Error: /gm) ?? [];
  assert.equal(errors.length, 1, `one error message\n${outcome.output}`);
  assert.match(outcome.stderr, message, outcome.output);
  assert.match(outcome.stderr, /^Hint: \S/m, outcome.output);
  assert.match(outcome.stderr, /^Run again with --verbose to see the stack trace\.$/m);
  assert.doesNotMatch(outcome.stderr, STACK_FRAME, outcome.output);
}

describe('sluice exit codes', { concurrency: true }, () => {
  describe('0, 1 and 2', { concurrency: true }, () => {
    test('0: a successful run; 0 for --help', async () => {
      const [ok, help, runHelp] = await Promise.all([
        sluice(['run', '--pipeline', 'stats', '--params', `out_dir=${tempDir('out')}`], { cwd: project }),
        sluice(['--help'], { cwd: project }),
        sluice(['run', '--help'], { cwd: project }),
      ]);
      assertExit(ok, 0);
      assertExit(help, 0);
      assert.match(help.stdout, /^Usage: sluice /m);
      assertExit(runHelp, 0);
      for (const flag of [
        '--pipeline',
        '--from-nodes',
        '--load-versions',
        '--continue-on-failure',
        '--progress',
      ]) {
        assert.ok(runHelp.stdout.includes(flag), `run --help lists ${flag}`);
      }
    });

    test('1: a failed run prints one message, no stack, and the resume command; running that command finishes the run', async () => {
      const out = tempDir('out');
      const failedRun = await sluiceRecorded(['run', '--params', `out_dir=${out}`], {
        env: { SLUICE_CLI_FAIL: 'shift' },
      });
      assertExit(failedRun, 1);
      assert.match(failedRun.stderr, /^Error: shift failed on purpose$/m);
      assert.equal(failedRun.stderr.match(/^Error: /gm)?.length, 1);
      assert.doesNotMatch(failedRun.stderr, STACK_FRAME, failedRun.output);
      assert.match(failedRun.stderr, /^Run again with --verbose to see the stack trace\.$/m);
      assert.match(
        failedRun.stderr,
        /^There are 3 nodes that have not run\. Resume from the nearest nodes with persisted inputs:$/m,
      );
      // shift reads doubled.json (saved); describe needs squares, which only lived in memory.
      const resume = /^ {2}(sluice run .*)$/m.exec(failedRun.stderr);
      assert.ok(resume, failedRun.output);
      assert.equal(resume[1], `sluice run --params out_dir=${out} --from-nodes shift,square`);
      assert.equal(failedRun.stdout, '');
      assert.deepEqual(
        failedRun.record.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
        ['Error'],
      );

      // The printed command, as the user pastes it, once the cause is fixed.
      const [, ...args] = shellWords(resume[1]);
      const resumed = await sluice(args, { cwd: project });
      assertExit(resumed, 0);
      assert.deepEqual(sorted(started(resumed.stderr)), ['describe', 'shift', 'square', 'total']);
      assert.equal(readJson(join(out, 'total.json')), 60);
    });

    test('1: the resume command keeps every choice of the failed run (pipeline, env, runner, filters, params)', async () => {
      const out = tempDir('out');
      const failedRun = await sluice(
        [
          'run',
          '--pipeline',
          'main',
          '--env',
          'staging',
          '--runner',
          'async',
          '--to-nodes',
          'describe',
          '--params',
          `out_dir=${out},label=two words`,
        ],
        { cwd: project, env: { SLUICE_CLI_FAIL: 'total' } },
      );
      assertExit(failedRun, 1);
      const resume = /^ {2}(sluice run .*)$/m.exec(failedRun.stderr);
      assert.ok(resume, failedRun.output);
      const words = shellWords(resume[1]!);
      const flag = (name: string) => words[words.indexOf(name) + 1];
      assert.equal(flag('--pipeline'), 'main');
      assert.equal(flag('--env'), 'staging');
      assert.equal(flag('--runner'), 'async');
      assert.equal(flag('--to-nodes'), 'describe');
      assert.deepEqual(flag('--params')?.split(',').sort(), ['label=two words', `out_dir=${out}`]);
      assert.equal(flag('--from-nodes'), 'shift,square');

      const resumed = await sluice(words.slice(1), { cwd: project });
      assertExit(resumed, 0);
      assert.equal(readJson(join(out, 'total.json')), 70, 'staging parameters again');
    });

    test('1: the resume command keeps an explicit --env that equals "local" when the project\'s default env is another', async () => {
      const other = copyProject('numbers');
      configure(other, { env: 'staging' });
      write(join(other, 'conf', 'local', '.gitkeep'), '');
      write(join(other, 'conf', 'staging', 'parameters.yml'), 'factor: 3\nlabel: staging\n');
      const out = tempDir('out');
      const failedRun = await sluice(
        ['run', '--env', 'local', '--pipeline', 'main', '--params', `out_dir=${out}`],
        {
          cwd: other,
          env: { SLUICE_CLI_FAIL: 'total' },
        },
      );
      assertExit(failedRun, 1);
      const resume = /^ {2}(sluice run .*)$/m.exec(failedRun.stderr);
      assert.ok(resume, failedRun.output);
      const resumed = await sluice(shellWords(resume[1]!).slice(1), { cwd: other });
      assertExit(resumed, 0);
      // describe runs again on resume: it must see the label of the failed run's env, not staging's.
      assert.equal(
        readFileSync(join(out, 'report.txt'), 'utf8'),
        'total=60 squares=1,4,9,16 label=base\n',
        `resumed with base+local parameters: ${resume[1]}`,
      );
    });

    test("--verbose prints the stack trace and the node's own source location", async () => {
      const [after, before] = await Promise.all([
        sluice(['run', '--pipeline', 'main', '--verbose', '--params', `out_dir=${tempDir('out')}`], {
          cwd: project,
          env: { SLUICE_CLI_FAIL: 'double' },
        }),
        sluice(['--verbose', 'run', '--nodes', 'doubel'], { cwd: project }),
      ]);
      assertExit(after, 1);
      assert.match(after.stderr, STACK_FRAME);
      assert.match(
        after.stderr,
        /at maybeFail \(.*src[\\/]nodes\.ts:\d+:\d+\)/,
        'source-mapped to the project file',
      );
      assert.doesNotMatch(after.stderr, /Run again with --verbose/);
      assertExit(before, 2);
      assert.match(before.stderr, /UnknownNodeError/);
      assert.match(before.stderr, STACK_FRAME);
    });

    test('2: command-line mistakes (commander): unknown flag with a suggestion, bad --runner choice, unknown command', async () => {
      const [unknown, typo, runner, noCommand, missingValue] = await Promise.all([
        sluiceRecorded(['run', '--bogus']),
        sluiceRecorded(['run', '--pipline', 'main']),
        sluiceRecorded(['run', '--runner', 'fast']),
        sluiceRecorded(['runn']),
        sluiceRecorded(['run', '--pipeline']),
      ]);
      for (const outcome of [unknown, typo, runner, noCommand, missingValue]) {
        assertExit(outcome, 2);
        assert.doesNotMatch(outcome.stderr, STACK_FRAME, outcome.output);
        assert.deepEqual(outcome.record, [], 'nothing ran');
      }
      assert.match(unknown.stderr, /^error: unknown option '--bogus'$/m);
      assert.match(typo.stderr, /\(Did you mean --pipeline\?\)/);
      assert.match(
        runner.stderr,
        /argument 'fast' is invalid\. Allowed choices are sequential, parallel, async, distributed\./,
      );
      assert.match(noCommand.stderr, /unknown command 'runn'/);
      assert.match(noCommand.stderr, /Did you mean (one of )?run\b/);
      assert.match(missingValue.stderr, /option '--pipeline <name>' argument missing/);
    });

    test('2: bad values: --load-versions item, --params item, unknown --nodes name (did you mean), pipeline, env, namespace', async () => {
      const outcomes = await Promise.all([
        sluiceRecorded(['run', '--load-versions', 'snapshot']),
        sluiceRecorded(['run', '--load-versions', 'snapshot:']),
        sluiceRecorded(['run', '--params', '=3']),
        sluiceRecorded(['run', '--nodes', 'doubel']),
        sluiceRecorded(['run', '--pipeline', 'mian']),
        sluiceRecorded(['run', '--env', 'stagin']),
        sluiceRecorded(['run', '--namespaces', 'stat']),
        sluiceRecorded(['run', '--load-versions', 'nowhere:2026-01-01T00.00.00.000Z']),
      ]);
      const [loadVersions, emptyVersion, params, nodes, pipeline, env, namespaces, undeclared] = outcomes;
      for (const outcome of outcomes) {
        assertExit(outcome, 2);
        assert.deepEqual(
          outcome.record.filter((line) => line.hook !== 'afterContextCreated'),
          [],
          `no pipeline or node hook fired\n${outcome.output}`,
        );
      }
      assertOneClearError(
        loadVersions!,
        /^Error: Invalid --load-versions item "snapshot": expected "dataset:version"\.$/m,
      );
      assertOneClearError(emptyVersion!, /Invalid --load-versions item "snapshot:"/);
      assertOneClearError(params!, /Invalid --params item "=3"/);
      assertOneClearError(
        nodes!,
        /^Error: Pipeline does not contain nodes named "doubel"\. Did you mean "double"\?$/m,
      );
      assertOneClearError(
        pipeline!,
        /No pipeline named "mian" is registered in .*sluice\.config\.ts\. Did you mean "main"\?/,
      );
      assertOneClearError(env!, /The configuration environment "stagin" doesn't exist/);
      assert.match(env!.stderr, /Did you mean "staging"\?/);
      assertOneClearError(namespaces!, /does not contain nodes with the namespaces "stat"/);
      assert.match(
        undeclared!.stderr,
        /load versions were given for "nowhere", which the catalog doesn't declare/,
      );
    });

    test('2: configuration errors: bad YAML (file:line), missing sluice.config.ts', async () => {
      const conf = join(tempDir('badconf'), 'conf');
      write(
        join(conf, 'base', 'catalog.yml'),
        'numbers:\n  type: json\n  filepath: data/01_raw/numbers.json\n',
      );
      write(join(conf, 'base', 'parameters.yml'), 'factor: 2\noffset: [10\nlabel: base\n');
      const empty = tempDir('no-project');
      const [yaml, missing, missingProject] = await Promise.all([
        sluiceRecorded(['run', '--conf-source', conf]),
        sluice(['run'], { cwd: empty }),
        sluice(['--project', join(empty, 'nowhere'), 'catalog', 'list'], { cwd: project }),
      ]);
      assertExit(yaml, 2);
      assertOneClearError(yaml, /^Error: .*parameters\.yml:\d+:\d+: invalid YAML/m);
      assert.match(yaml.stderr, /parameters\.yml:3:1/, 'the line of the mistake');
      assert.deepEqual(yaml.record, []);
      assertExit(missing, 2);
      assertOneClearError(missing, /^Error: No sluice\.config\.ts in .*no-project-\w+\.$/m);
      assert.match(missing.stderr, /sluice new/);
      assertExit(missingProject, 2);
      assert.match(missingProject.stderr, /No sluice\.config\.ts in .*nowhere/);
    });
  });

  describe('130: cancelled by a signal', { concurrency: true }, () => {
    /**
     * Runs the slow pipeline (two naps in a row) and sends `signal` once the first node's plain
     * progress line appears. The naps wait for a hold file rather than a clock, so the first node
     * is still running when the signal lands however loaded the machine is: the file is created
     * once the CLI says it received the signal, or never with `twice`, which instead sends the
     * signal again then.
     */
    async function cancel(signal: NodeJS.Signals, options: { twice?: boolean; args?: string[] } = {}) {
      let sent = 0;
      const hold = join(tempDir('hold'), 'release');
      const outcome = await sluiceRecorded(
        [
          'run',
          '--pipeline',
          'slow',
          '--progress',
          'plain',
          '--params',
          `out_dir=${tempDir('out')}`,
          ...(options.args ?? []),
        ],
        {
          // Tracking off: earlier runs of the project would let a parallel run go serial.
          env: { SLUICE_CLI_HOLD_FILE: hold, SLUICE_TRACKING: 'off' },
          onStderr: (stderr, child) => {
            if (sent === 0 && /^\[sluice\] ▶ nap_first$/m.test(stderr)) {
              sent++;
              child.kill(signal);
            } else if (sent === 1 && stderr.includes(`Received ${signal}`)) {
              sent++;
              if (options.twice === true) child.kill(signal);
              else writeFileSync(hold, '');
            }
          },
        },
      );
      assert.ok(sent > 0, `the first node started\n${outcome.output}`);
      return outcome;
    }

    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`${signal}: the running node settles, nothing new starts, onPipelineError gets RunCancelledError, exit 130`, async () => {
        const outcome = await cancel(signal);
        assert.equal(outcome.signal, null, 'the CLI handled the signal itself');
        assertExit(outcome, 130);
        assert.match(outcome.stderr, new RegExp(`^Received ${signal}: finishing the running nodes`, 'm'));
        assert.deepEqual(started(outcome.stderr), ['nap_first']);
        assert.deepEqual(done(outcome.stderr), ['nap_first'], 'the running node settled');
        assert.deepEqual(skipped(outcome.stderr), ['nap_second']);
        assert.match(outcome.stderr, new RegExp(`^Error: The run was cancelled \\(${signal}\\)\\.$`, 'm'));
        assert.doesNotMatch(outcome.stderr, STACK_FRAME);
        const pipelineErrors = outcome.record.filter((line) => line.hook === 'onPipelineError');
        assert.deepEqual(
          pipelineErrors.map((line) => [line.error, line.message]),
          [['RunCancelledError', `The run was cancelled (${signal}).`]],
        );
        assert.ok(!outcome.record.some((line) => line.hook === 'afterPipelineRun'));
        assert.ok(!outcome.record.some((line) => line.node === 'nap_second'));
      });
    }

    test('SIGTERM with --runner parallel (a chain: serial in the main thread): the running node settles, exit 130', async () => {
      const outcome = await cancel('SIGTERM', { args: ['--runner', 'parallel'] });
      assertExit(outcome, 130);
      assert.deepEqual(done(outcome.stderr), ['nap_first']);
      assert.deepEqual(skipped(outcome.stderr), ['nap_second']);
      assert.deepEqual(
        outcome.record.filter((line) => line.hook === 'onPipelineError').map((line) => line.error),
        ['RunCancelledError'],
      );
    });

    test('a second signal exits at once with 130, without waiting for the running node', async () => {
      // The node holds until a file appears that nobody creates: only exiting at once ends the run.
      const outcome = await cancel('SIGINT', { twice: true });
      assertExit(outcome, 130);
      assert.deepEqual(done(outcome.stderr), [], 'the running node was not waited for');
      assert.ok(!outcome.record.some((line) => line.hook === 'afterNodeRun'), 'no node finished');
    });
  });
});
