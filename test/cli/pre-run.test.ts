/**
 * What a user sees before a run starts, from a child process (`node bin/sluice.js`): mistakes
 * found before the first node (an unknown dataset type, an input nothing provides, a missing
 * parameter, a hooks.yml entry that doesn't resolve) exit 2, fire no pipeline hook and page no
 * one: the real alerts plugin, configured with a real local HTTP receiver, receives nothing
 * (while a real node failure in the same project does reach it). Also: the messages name the
 * node and the nearest name, no "skipped" table for a run that never reached a node, filters that
 * match nothing name what exists, every hinted command prints what the hint promises, a failed
 * node is named with `--progress off`, and final outputs no catalog entry declares are warned of.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HttpReceiver } from '../plugins/alerts-peers.ts';
import { startHttpReceiver } from '../plugins/alerts-peers.ts';
import type { Outcome } from './support.ts';
import {
  assertExit,
  auditPluginSource,
  copyProject,
  ensureBuilt,
  readRecord,
  installPackage,
  sluice,
  STACK_FRAME,
  tempDir,
  write,
} from './support.ts';

interface RecordLine {
  plugin: string;
  hook: string;
  node?: string;
  error?: string;
  exitCode?: number;
}

const ALERT_PATH = '/slack/prerun-alerts';
let receiver: HttpReceiver;
let project: string;

/** The numbers project plus pipelines with a mistake in their wiring, environments with a mistake in their configuration, and alerts. */
function brokenProject(url: string): string {
  const root = copyProject('numbers');
  write(
    join(root, 'src', 'broken.ts'),
    `import { node, Pipeline } from 'sluice';
import { double, shift, total } from './nodes.ts';

/** shift reads "doubld", a typo of "doubled". */
export const typoInput = new Pipeline([
  node(double, ['numbers', 'params:factor'], 'doubled', { name: 'double' }),
  node(shift, ['doubld', 'params:offset'], 'shifted', { name: 'shift' }),
]);

/** double reads "params:factr", a typo of "params:factor". */
export const typoParam = new Pipeline([
  node(double, ['numbers', 'params:factr'], 'doubled', { name: 'double' }),
  node(total, 'doubled', 'total', { name: 'total' }),
]);

/** validatePipelineRun refuses the run when SLUICE_CLI_REFUSE is set. */
export const gate = {
  name: 'gate',
  validatePipelineRun() {
    if (process.env.SLUICE_CLI_REFUSE) throw new Error('the gate refuses: ' + process.env.SLUICE_CLI_REFUSE);
  },
  beforePipelineRun() {
    if (process.env.SLUICE_CLI_BEFORE_FAIL) throw new Error('beforePipelineRun refuses');
  },
};
`,
  );
  const config = join(root, 'sluice.config.ts');
  writeFileSync(
    config,
    readFileSync(config, 'utf8')
      .replace(
        "import { recorder } from './src/hooks.ts';",
        "import { recorder } from './src/hooks.ts';\nimport { gate } from './src/broken.ts';",
      )
      .replace('hooks: [recorder],', 'hooks: [gate, recorder],')
      .replace(
        '    slow:',
        "    typo_input: () => import('./src/broken.ts').then((m) => m.typoInput),\n    typo_param: () => import('./src/broken.ts').then((m) => m.typoParam),\n    slow:",
      ),
  );
  // An installed package's CLI hooks hear the exit code of every command.
  installPackage(root, 'sluice-audit', auditPluginSource('sluice-audit'));
  // The alerts plugin (registered by default) pages through this Slack-style webhook on a failed run.
  write(
    join(root, 'conf', 'base', 'alerts.yml'),
    'alerters:\n  team: { type: slack, credentials: team_webhook, delivery: { retries: 0 } }\n',
  );
  write(join(root, 'conf', 'base', 'credentials.yml'), `team_webhook: { url: "${url}${ALERT_PATH}" }\n`);
  write(
    join(root, 'conf', 'badtype', 'catalog.yml'),
    'numbers:\n  type: jsn\n  filepath: data/01_raw/numbers.json\n',
  );
  write(
    join(root, 'conf', 'badref', 'hooks.yml'),
    'nodes:\n  shift:\n    on_failure: sluice#alertOnFailur\n',
  );
  write(
    join(root, 'conf', 'badnode', 'hooks.yml'),
    'nodes:\n  shfit:\n    on_failure: sluice#alertOnFailure\n',
  );
  return root;
}

before(async () => {
  ensureBuilt();
  receiver = await startHttpReceiver('unused-signing-secret');
  project = brokenProject(receiver.url);
  // Compiles the project's config once, before tests run side by side.
  assertExit(await sluice(['pipeline', 'list'], { cwd: project }), 0);
});
after(() => receiver.close());

/** `sluice <args>` in the broken project, with the recorder's record file; alerts that arrived during it. */
async function run(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Outcome & { record: RecordLine[] }> {
  const recordFile = join(tempDir('record'), 'record.jsonl');
  const outcome = await sluice(args, {
    cwd: project,
    env: { SLUICE_CLI_RECORD: recordFile, ...env },
  });
  return { ...outcome, record: readRecord<RecordLine>(recordFile) };
}

const alertsReceived = () => receiver.on(ALERT_PATH).length;

/** One clear error: one `Error:` line matching `message`, a hint, no stack, no summary table. */
function assertRefused(outcome: Outcome & { record: RecordLine[] }, message: RegExp): void {
  assertExit(outcome, 2);
  assert.equal(outcome.stderr.match(/^Error: /gm)?.length, 1, outcome.output);
  assert.match(outcome.stderr, message, outcome.output);
  assert.match(outcome.stderr, /^Hint: \S/m, outcome.output);
  assert.doesNotMatch(outcome.stderr, STACK_FRAME, outcome.output);
  const lifecycle = outcome.record.filter((line) => !line.hook.endsWith('CommandRun'));
  assert.deepEqual(lifecycle, [], `no pipeline or node hook fired\n${outcome.output}`);
  assert.deepEqual(
    outcome.record.filter((line) => line.hook === 'afterCommandRun').map((line) => line.exitCode),
    [2],
    'afterCommandRun hears exit code 2',
  );
  assert.doesNotMatch(
    outcome.stderr,
    /skipped|seconds +status|nodes queued/,
    `no progress, no table\n${outcome.output}`,
  );
  assert.doesNotMatch(outcome.stderr, /Resume from/, outcome.output);
}

describe('before the first node', () => {
  // In sequence: each test checks that its run sent no alert.
  test('an unknown dataset type: exit 2, the entry and the nearest type, no hook, no alert', async () => {
    const before = alertsReceived();
    const outcome = await run(['run', '--env', 'badtype', '--pipeline', 'main', '--progress', 'plain']);
    assertRefused(
      outcome,
      /Dataset "numbers" \(type jsn, conf\/badtype\/catalog\.yml:2:\d+\): its type is unknown\. Did you mean "json"\?/,
    );
    assert.equal(alertsReceived(), before, 'no alert for a typo');
  });

  test('an input nothing provides: exit 2, the node that reads it and the nearest dataset name, no hook, no alert', async () => {
    const before = alertsReceived();
    const outcome = await run(['run', '--pipeline', 'typo_input', '--progress', 'plain']);
    assertRefused(
      outcome,
      /^Error: Node "shift" reads "doubld", which no node of this run produces and the catalog doesn't declare\. Did you mean "doubled"\?$/m,
    );
    assert.equal(alertsReceived(), before);
  });

  test('a missing parameter: exit 2, the node and the nearest parameter, no hook, no alert', async () => {
    const before = alertsReceived();
    const outcome = await run(['run', '--pipeline', 'typo_param', '--progress', 'plain']);
    assertRefused(
      outcome,
      /^Error: Node "double" reads "params:factr", but no parameter "factr" exists\. Did you mean "params:factor"\?$/m,
    );
    assert.match(outcome.stderr, /--params/);
    assert.equal(alertsReceived(), before);
  });

  test('an input a filter left out: exit 2, naming the node that produces it', async () => {
    const outcome = await run(['run', '--pipeline', 'main', '--nodes', 'total', '--progress', 'plain']);
    assertRefused(
      outcome,
      /^Error: Node "total" reads "shifted", which node "shift" produces in memory, and this run leaves that node out\.$/m,
    );
  });

  test('hooks.yml: a reference that does not resolve, and a node name that does not exist: exit 2, file and line, no hook, no alert', async () => {
    const before = alertsReceived();
    const [badRef, badNode] = await Promise.all([
      run(['run', '--env', 'badref', '--pipeline', 'main', '--progress', 'plain']),
      run(['run', '--env', 'badnode', '--pipeline', 'main', '--progress', 'plain']),
    ]);
    assertRefused(badRef, /conf\/badref\/hooks\.yml:3:\d+: .*alertOnFailur/);
    assertRefused(
      badNode,
      /conf\/badnode\/hooks\.yml:2:\d+: The hooks configuration names node "shfit", which no registered pipeline has\. Did you mean "shift"\?/,
    );
    assert.equal(alertsReceived(), before);
  });

  test("a plugin's validatePipelineRun refusal: exit 2, no pipeline hook, no alert", async () => {
    const before = alertsReceived();
    const outcome = await run(['run', '--pipeline', 'main'], { SLUICE_CLI_REFUSE: 'closed for maintenance' });
    assertRefused(outcome, /^Error: the gate refuses: closed for maintenance$/m);
    assert.equal(alertsReceived(), before);
  });

  test('every problem at once: a bad type and a missing parameter are listed together', async () => {
    const outcome = await run(['run', '--env', 'badtype', '--pipeline', 'typo_param']);
    assertRefused(outcome, /^Error: The run could not start: 2 problems\.$/m);
    assert.match(outcome.stderr, /^ {2}- Node "double" reads "params:factr"/m);
    assert.match(outcome.stderr, /^ {2}- Dataset "numbers" \(type jsn/m);
  });

  test('control: a node that fails in the same project exits 1, reaches onPipelineError and pages once', async () => {
    const before = alertsReceived();
    const outcome = await run(['run', '--pipeline', 'main', '--params', `out_dir=${tempDir('out')}`], {
      SLUICE_CLI_FAIL: 'double',
    });
    assertExit(outcome, 1);
    assert.deepEqual(
      outcome.record
        .filter((line) => line.plugin === 'recorder' && line.hook === 'onPipelineError')
        .map((line) => line.error),
      ['Error'],
    );
    assert.equal(alertsReceived(), before + 1, `the pipeline alert arrived\n${outcome.output}`);
  });

  test('a beforePipelineRun that throws reaches onPipelineError (exit 1), with no table of skipped nodes', async () => {
    const outcome = await run(['run', '--pipeline', 'main', '--progress', 'plain'], {
      SLUICE_CLI_BEFORE_FAIL: '1',
    });
    assertExit(outcome, 1);
    assert.match(outcome.stderr, /^Error: beforePipelineRun refuses$/m);
    assert.deepEqual(
      outcome.record
        .filter((line) => line.plugin === 'recorder' && line.hook === 'onPipelineError')
        .map((line) => line.error),
      ['Error'],
    );
    assert.doesNotMatch(outcome.stderr, /skipped|seconds +status/, outcome.output);
  });
});

describe('filters that match nothing, and the commands hints name', { concurrency: true }, () => {
  test('--tags no node has: exit 2, the nearest tag and every tag; the hinted command lists them per node', async () => {
    const outcome = await run(['run', '--pipeline', 'main', '--tags', 'mathh']);
    assertRefused(
      outcome,
      /^Error: No node of pipeline "main" has the tag "mathh"\. Did you mean "math"\? Its tags: math, squares\.$/m,
    );
    const hint = /^Hint: `(sluice [^`]+)` lists each node with its tags\.$/m.exec(outcome.stderr);
    assert.ok(hint, outcome.output);
    const listed = await sluice(hint[1]!.split(' ').slice(1), { cwd: project });
    assertExit(listed, 0);
    assert.match(
      listed.stdout,
      /^double\n {2}inputs: +numbers, params:factor\n {2}outputs: +doubled\n {2}tags: +math$/m,
    );
    assert.match(listed.stdout, /^square\n(?: {2}.*\n)*? {2}tags: +squares$/m);
  });

  test('--nodes naming no node: the hinted command prints every node name (namespaced ones in full)', async () => {
    const outcome = await run(['run', '--nodes', 'minimum']);
    assertExit(outcome, 2);
    assert.match(outcome.stderr, /Did you mean "stats\.minimum"\?/);
    const hint = /`sluice (pipeline describe)[^`]*`/.exec(outcome.stderr);
    assert.ok(hint, `the hint names a command\n${outcome.output}`);
    const [text, json] = await Promise.all([
      sluice(['pipeline', 'describe'], { cwd: project }),
      sluice(['pipeline', 'describe', '--json'], { cwd: project }),
    ]);
    assertExit(text, 0);
    const names = [...text.stdout.matchAll(/^(\S+)$/gm)].map((match) => match[1]);
    // Kedro's run order: topological layers, each sorted by full name.
    assert.deepEqual(names, [
      'double',
      'square',
      'stats.maximum',
      'stats.minimum',
      'shift',
      'total',
      'describe',
    ]);
    assert.match(
      text.stdout,
      /^stats\.minimum\n {2}namespace: stats\n {2}inputs: +numbers\n {2}outputs: +stats\.min\n {2}tags: +-$/m,
    );
    assertExit(json, 0);
    const described = JSON.parse(json.stdout) as { pipeline: string; nodes: { name: string }[] };
    assert.equal(described.pipeline, '__default__');
    assert.deepEqual(
      described.nodes.find((node) => node.name === 'stats.minimum'),
      { name: 'stats.minimum', namespace: 'stats', inputs: ['numbers'], outputs: ['stats.min'], tags: [] },
    );
  });

  test('pipeline describe with an unknown pipeline: exit 2 with the nearest name', async () => {
    const outcome = await sluice(['pipeline', 'describe', 'mian'], { cwd: project });
    assertExit(outcome, 2);
    assert.match(outcome.stderr, /No pipeline named "mian".*Did you mean "main"\?/);
  });
});

describe('during and after the run', { concurrency: true }, () => {
  for (const runner of ['sequential', 'parallel'] as const) {
    test(`--progress off (${runner}): a failed node is named before its error`, async () => {
      const outcome = await run(
        [
          'run',
          '--pipeline',
          'main',
          '--progress',
          'off',
          '--runner',
          runner,
          '--params',
          `out_dir=${tempDir('out')}`,
        ],
        { SLUICE_CLI_FAIL: 'shift' },
      );
      assertExit(outcome, 1);
      const named = outcome.stderr.indexOf('Node "shift" failed: shift failed on purpose\n');
      assert.ok(named >= 0, outcome.output);
      assert.ok(named < outcome.stderr.indexOf('Error: shift failed on purpose'), outcome.output);
      assert.doesNotMatch(outcome.stderr, /\[sluice\]/, 'no progress lines');
    });
  }

  test('a final output the catalog does not declare (a renamed entry): a warning names it, the unused entry, and how to save it', async () => {
    const renamed = copyProject('numbers');
    const catalog = join(renamed, 'conf', 'base', 'catalog.yml');
    writeFileSync(catalog, readFileSync(catalog, 'utf8').replace(/^report:/m, 'reports:'));
    const out = tempDir('out');
    const [warned, clean] = await Promise.all([
      sluice(['run', '--pipeline', 'main', '--progress', 'off', '--params', `out_dir=${out}`], {
        cwd: renamed,
      }),
      sluice(['run', '--pipeline', 'main', '--progress', 'off', '--params', `out_dir=${tempDir('out')}`], {
        cwd: project,
      }),
    ]);
    assertExit(warned, 0);
    assert.match(
      warned.stderr,
      /^Warning: this run's final output "report" is not in the catalog: it was kept in memory only and is lost now that the run has ended\.$/m,
    );
    assert.match(
      warned.stderr,
      /The catalog declares "reports", which no node uses: did you mean it for "report"\?/,
    );
    assert.match(warned.stderr, /declare it in conf\/base\/catalog\.yml/);
    assertExit(clean, 0);
    assert.doesNotMatch(clean.stderr, /Warning/, 'every final output of main is declared');
  });
});
