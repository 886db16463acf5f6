/**
 * Plugin discovery with real packages in the project's node_modules, seen from `sluice` child
 * processes: a package's plugin fires during `run` (node hooks, in workers too) and around every
 * command (`beforeCommandRun`/`afterCommandRun` with the exit code), after the project's own
 * plugins (LIFO: discovered ones register first); `disableHooksForPlugins` turns it off; a package
 * whose hooks module fails to import is a usage error that names it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Outcome, SluiceOptions } from './support.ts';
import {
  assertExit,
  auditPluginSource,
  copyProject,
  disablePlugins,
  ensureBuilt,
  installPackage,
  readRecord,
  sluice,
  STACK_FRAME,
  tempDir,
  write,
} from './support.ts';

interface RecordLine {
  plugin: string;
  hook: string;
  node?: string;
  threadId: number;
  commandArgs?: string[];
  exitCode?: number;
  projectPath?: string;
  error?: string;
}

const AUDIT = 'sluice-audit';
const BROKEN_SOURCE = "import 'a-package-that-is-not-installed';\nexport default { name: 'broken' };\n";

/** A project with the audit package installed; the others also disable or break things. */
let withAudit: string;
let auditDisabled: string;

before(async () => {
  ensureBuilt();
  withAudit = copyProject('numbers');
  installPackage(withAudit, AUDIT, auditPluginSource(AUDIT));
  auditDisabled = copyProject('numbers');
  installPackage(auditDisabled, AUDIT, auditPluginSource(AUDIT));
  disablePlugins(auditDisabled, [AUDIT]);
  // Compile both configs before the tests run side by side.
  await Promise.all(
    [withAudit, auditDisabled].map(async (cwd) => assertExit(await sluice(['pipeline', 'list'], { cwd }), 0)),
  );
});

/** Runs `sluice <args>` with a fresh record file that the fixture's recorder and the audit plugin share. */
async function recorded(
  args: readonly string[],
  options: Omit<SluiceOptions, 'env'> & { env?: Record<string, string> },
) {
  const recordFile = join(tempDir('record'), 'record.jsonl');
  const outcome = await sluice(args, { ...options, env: { SLUICE_CLI_RECORD: recordFile, ...options.env } });
  return { ...outcome, record: readRecord<RecordLine>(recordFile) };
}

const audit = (record: RecordLine[]) => record.filter((line) => line.plugin === AUDIT);
const outArgs = () => ['--params', `out_dir=${tempDir('out')}`];

/** The command hooks fired once each, around everything else, with the command line and the exit code. */
function assertCommandHooks(
  outcome: Outcome & { record: RecordLine[] },
  args: readonly string[],
  exitCode: number,
  project: string,
): void {
  const hooks = audit(outcome.record).filter((line) => line.hook.endsWith('CommandRun'));
  assert.deepEqual(
    hooks.map((line) => [line.hook, line.commandArgs, line.exitCode]),
    [
      ['beforeCommandRun', args, undefined],
      ['afterCommandRun', args, exitCode],
    ],
    outcome.output,
  );
  assert.equal(hooks[0]!.projectPath, project);
  assert.deepEqual(outcome.record[0], hooks[0], 'beforeCommandRun comes first');
  assert.deepEqual(outcome.record.at(-1), hooks[1], 'afterCommandRun comes last');
}

describe('plugin discovery', { concurrency: true }, () => {
  test("run: the package's plugin gets the node hooks, after the project's own plugin (LIFO), tryfirst first", async () => {
    const args = ['run', '--pipeline', 'main', '--progress', 'off', ...outArgs()];
    const outcome = await recorded(args, { cwd: withAudit });
    assertExit(outcome, 0);
    assertCommandHooks(outcome, args, 0, withAudit);
    const nodes = ['double', 'square', 'shift', 'total', 'describe'];
    assert.deepEqual(
      audit(outcome.record)
        .filter((line) => line.hook === 'beforeNodeRun')
        .map((line) => line.node),
      nodes,
    );
    const calls = outcome.record
      .filter((line) => ['beforePipelineRun', 'beforeNodeRun', 'afterNodeRun'].includes(line.hook))
      .map((line) => `${line.hook}${line.node === undefined ? '' : `:${line.node}`}:${line.plugin}`);
    assert.deepEqual(calls, [
      'beforePipelineRun:recorder',
      'beforePipelineRun:sluice-audit',
      ...nodes.flatMap((node) => [
        `beforeNodeRun:${node}:recorder`,
        `beforeNodeRun:${node}:sluice-audit`,
        // The audit plugin's afterNodeRun is tryfirst.
        `afterNodeRun:${node}:sluice-audit`,
        `afterNodeRun:${node}:recorder`,
      ]),
    ]);
  });

  test('run --runner parallel: node hooks fire in the workers, which discover the package too; command hooks once, in the main thread', async () => {
    const args = ['run', '--runner', 'parallel', '--progress', 'off', ...outArgs()];
    // Tracking off: the project's earlier runs (other tests') would let the run go serial; its
    // shape alone keeps it on workers.
    const outcome = await recorded(args, { cwd: withAudit, env: { SLUICE_TRACKING: 'off' } });
    assertExit(outcome, 0);
    assertCommandHooks(outcome, args, 0, withAudit);
    const nodeEvents = audit(outcome.record).filter((line) => line.hook === 'beforeNodeRun');
    assert.deepEqual(nodeEvents.map((line) => line.node).sort(), [
      'describe',
      'double',
      'shift',
      'square',
      'stats.maximum',
      'stats.minimum',
      'total',
    ]);
    assert.ok(
      nodeEvents.every((line) => line.threadId !== 0),
      'in worker threads',
    );
    assert.ok(
      audit(outcome.record)
        .filter((line) => line.hook.endsWith('CommandRun'))
        .every((line) => line.threadId === 0),
    );
  });

  test('beforeCommandRun and afterCommandRun fire for every command, with its exit code (0, 1, 2)', async () => {
    const taken = join(tempDir('taken'), 'taken');
    write(join(taken, 'keep.txt'), 'x\n');
    const cases: [string[], number, Record<string, string>?][] = [
      [['run', '--pipeline', 'stats', ...outArgs()], 0],
      [['run', '--pipeline', 'main', ...outArgs()], 1, { SLUICE_CLI_FAIL: 'double' }],
      [['run', '--nodes', 'nope'], 2],
      [['run', '--load-versions', 'nothing'], 2],
      [['new', join(tempDir('new'), 'made')], 0],
      [['new', taken], 2],
      [['info'], 0],
      [['pipeline', 'list'], 0],
      [['catalog', 'list'], 0],
    ];
    const outcomes = await Promise.all(
      cases.map(([args, , env]) => recorded(args, { cwd: withAudit, ...(env === undefined ? {} : { env }) })),
    );
    outcomes.forEach((outcome, index) => {
      const [args, code] = cases[index]!;
      assertExit(outcome, code);
      assertCommandHooks(outcome, args, code, withAudit);
    });
    // The failed run: the plugin's onPipelineError saw the node's error between the two.
    assert.ok(
      audit(outcomes[1]!.record).some((line) => line.hook === 'onPipelineError' && line.error === 'Error'),
    );
  });

  test('afterCommandRun also gets exit code 2 when the command line itself is rejected (unknown flag, bad choice)', async () => {
    const cases = [
      ['run', '--bogus'],
      ['run', '--runner', 'fast'],
    ];
    const outcomes = await Promise.all(cases.map((args) => recorded(args, { cwd: withAudit })));
    outcomes.forEach((outcome, index) => {
      assertExit(outcome, 2);
      assertCommandHooks(outcome, cases[index]!, 2, withAudit);
    });
  });

  test("disableHooksForPlugins: the package's plugin gets no pipeline or node hook, and `sluice info` lists it as disabled", async () => {
    const [run, info] = await Promise.all([
      recorded(['run', '--progress', 'off', ...outArgs()], { cwd: auditDisabled }),
      sluice(['info'], { cwd: auditDisabled }),
    ]);
    assertExit(run, 0);
    assert.deepEqual(
      audit(run.record).filter((line) => !line.hook.endsWith('CommandRun')),
      [],
      'no run hook of the disabled plugin fired',
    );
    assert.ok(
      run.record.some((line) => line.plugin === 'recorder' && line.hook === 'afterPipelineRun'),
      "the project's own plugin still ran",
    );
    assertExit(info, 0);
    assert.match(info.stdout, /^ {2}sluice-audit \(package, disabled by disableHooksForPlugins\)$/m);
    assert.doesNotMatch(info.stdout, /^ {2}sluice-audit \(package sluice-audit\)$/m);
    assert.doesNotMatch(info.stdout, /: .*sluice-audit/, 'none of its hooks is listed');
  });

  test("disableHooksForPlugins also keeps the package's CLI hooks off (a disabled package is not even imported)", async () => {
    const outcomes = await Promise.all([
      recorded(['run', '--pipeline', 'stats', '--progress', 'off', ...outArgs()], { cwd: auditDisabled }),
      recorded(['info'], { cwd: auditDisabled }),
    ]);
    for (const outcome of outcomes) {
      assertExit(outcome, 0);
      assert.deepEqual(audit(outcome.record), [], outcome.output);
    }
  });

  test('a package whose hooks module fails to import: exit 2, the package named, the disable hint, nothing ran', async () => {
    const project = copyProject('numbers');
    installPackage(project, 'sluice-broken', BROKEN_SOURCE);
    const outcomes = await Promise.all([
      recorded(['run', ...outArgs()], { cwd: project }),
      recorded(['info'], { cwd: project }),
    ]);
    for (const outcome of outcomes) {
      assertExit(outcome, 2);
      assert.match(
        outcome.stderr,
        /^Error: Package "sluice-broken" declares hooks in .*hooks\.js, which failed to load: .*a-package-that-is-not-installed/m,
      );
      assert.match(outcome.stderr, /^Hint: .*disableHooksForPlugins: \['sluice-broken'\]/m);
      assert.doesNotMatch(outcome.stderr, STACK_FRAME, outcome.output);
      assert.equal(outcome.stderr.match(/^Error: /gm)?.length, 1, outcome.output);
      assert.deepEqual(outcome.record, [], 'no hook fired');
    }
    assert.equal(outcomes[1]!.stdout, '', 'info printed nothing else');
  });

  test('following that hint: with the broken package disabled the run succeeds', async () => {
    const project = copyProject('numbers');
    installPackage(project, 'sluice-broken', BROKEN_SOURCE);
    disablePlugins(project, ['sluice-broken']);
    const [run, info] = await Promise.all([
      recorded(['run', '--progress', 'off', ...outArgs()], { cwd: project }),
      sluice(['info'], { cwd: project }),
    ]);
    assertExit(run, 0);
    assertExit(info, 0);
    assert.match(info.stdout, /^ {2}sluice-broken \(package, disabled by disableHooksForPlugins\)$/m);
  });
});
