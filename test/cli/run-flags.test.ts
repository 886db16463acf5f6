/**
 * Every `sluice run` flag, on test/fixtures/cli/numbers run as a child process. One copy of the
 * project serves the whole file (its compiled config is reused); each test writes its outputs to a
 * folder of its own with `--params out_dir=<dir>` and reads which nodes ran from the plain progress
 * lines and from the project's recorder hook (SLUICE_CLI_RECORD).
 *
 * The fixture's default pipeline: double -> shift -> total -> describe, square -> describe (main),
 * and stats.minimum, stats.maximum (stats). Only doubled, total, report and the stats are files.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { Outcome } from './support.ts';
import {
  assertExit,
  copyProject,
  done,
  ensureBuilt,
  failed,
  readJson,
  readRecord,
  skipped,
  sluice,
  sorted,
  started,
  tempDir,
} from './support.ts';

const ALL = ['describe', 'double', 'shift', 'square', 'stats.maximum', 'stats.minimum', 'total'];

interface RecordLine {
  hook: string;
  node?: string;
  dataset?: string;
  isAsync?: boolean;
  threadId: number;
  error?: string;
  message?: string;
  runParams?: Record<string, unknown>;
}

let project: string;
/** An output folder after a full default run (doubled.json, total.json, report.txt, the stats). */
let seeded: string;

before(async () => {
  ensureBuilt();
  project = copyProject('numbers');
  seeded = tempDir('seeded');
  // Also compiles sluice.config.ts into the project's cache, once, before the tests run concurrently.
  assertExit(
    await sluice(['run', '--progress', 'off', '--params', `out_dir=${seeded}`], { cwd: project }),
    0,
  );
});

interface Run extends Outcome {
  out: string;
  record: RecordLine[];
}

/** `sluice run --progress plain --params out_dir=<fresh or given> <args>` in the project. */
async function run(
  args: readonly string[],
  options: { out?: string; seed?: boolean; env?: Record<string, string> } = {},
): Promise<Run> {
  const out = options.out ?? tempDir('out');
  if (options.seed === true) cpSync(seeded, out, { recursive: true });
  const recordFile = join(tempDir('record'), 'record.jsonl');
  const outcome = await sluice(['run', '--progress', 'plain', '--params', `out_dir=${out}`, ...args], {
    cwd: project,
    env: { SLUICE_CLI_RECORD: recordFile, ...options.env },
  });
  return { ...outcome, out, record: readRecord<RecordLine>(recordFile) };
}

/** The nodes that ran, sorted, after asserting a successful run where every started node finished. */
function ran(outcome: Outcome): string[] {
  assertExit(outcome, 0);
  assert.deepEqual(sorted(done(outcome.stderr)), sorted(started(outcome.stderr)), outcome.output);
  return sorted(started(outcome.stderr));
}

const runParams = (outcome: Run): Record<string, unknown> => {
  const line = outcome.record.find((entry) => entry.hook === 'beforePipelineRun');
  assert.ok(line?.runParams, `beforePipelineRun fired\n${outcome.output}`);
  return line.runParams;
};

describe('sluice run flags', { concurrency: true }, () => {
  test('no flag: the default pipeline (main + stats), every output written', async () => {
    const outcome = await run([]);
    assert.deepEqual(ran(outcome), ALL);
    assert.deepEqual(readJson(join(outcome.out, 'doubled.json')), [2, 4, 6, 8]);
    assert.equal(readJson(join(outcome.out, 'total.json')), 60);
    assert.equal(
      readFileSync(join(outcome.out, 'report.txt'), 'utf8'),
      'total=60 squares=1,4,9,16 label=base\n',
    );
    assert.equal(readJson(join(outcome.out, 'stats_min.json')), 1);
    assert.equal(readJson(join(outcome.out, 'stats_max.json')), 4);
    assert.equal(runParams(outcome).pipelineName, '__default__');
  });

  test('--pipeline picks a registered pipeline', async () => {
    const [main, stats] = await Promise.all([run(['--pipeline', 'main']), run(['--pipeline', 'stats'])]);
    assert.deepEqual(ran(main), ['describe', 'double', 'shift', 'square', 'total']);
    assert.deepEqual(ran(stats), ['stats.maximum', 'stats.minimum']);
    assert.equal(runParams(stats).pipelineName, 'stats');
    assert.ok(!existsSync(join(stats.out, 'total.json')));
  });

  test('--nodes, as a comma list and repeated', async () => {
    const [list, repeated] = await Promise.all([
      run(['--nodes', 'double,stats.minimum']),
      run(['--nodes', 'double', '--nodes', 'stats.minimum']),
    ]);
    assert.deepEqual(ran(list), ['double', 'stats.minimum']);
    assert.deepEqual(ran(repeated), ['double', 'stats.minimum']);
    assert.deepEqual(runParams(repeated).nodeNames, ['double', 'stats.minimum']);
  });

  test('--from-nodes: those nodes and everything downstream (reading persisted inputs), comma list and repeated', async () => {
    const [list, repeated] = await Promise.all([
      run(['--from-nodes', 'shift,square'], { seed: true }),
      run(['--from-nodes', 'shift', '--from-nodes', 'square'], { seed: true }),
    ]);
    assert.deepEqual(ran(list), ['describe', 'shift', 'square', 'total']);
    assert.deepEqual(ran(repeated), ['describe', 'shift', 'square', 'total']);
    assert.equal(readJson(join(list.out, 'total.json')), 60);
  });

  test('--to-nodes: those nodes and everything upstream', async () => {
    const [one, two] = await Promise.all([
      run(['--to-nodes', 'shift']),
      run(['--to-nodes', 'total,stats.minimum']),
    ]);
    assert.deepEqual(ran(one), ['double', 'shift']);
    assert.deepEqual(ran(two), ['double', 'shift', 'stats.minimum', 'total']);
  });

  test('--from-inputs and --to-outputs, alone and intersected', async () => {
    const [toOutputs, toBoth, both] = await Promise.all([
      run(['--to-outputs', 'total']),
      run(['--to-outputs', 'total', '--to-outputs', 'stats.max']),
      run(['--from-inputs', 'doubled', '--to-outputs', 'total'], { seed: true }),
    ]);
    assert.deepEqual(ran(toOutputs), ['double', 'shift', 'total']);
    assert.deepEqual(ran(toBoth), ['double', 'shift', 'stats.maximum', 'total']);
    assert.deepEqual(ran(both), ['shift', 'total']);
    assert.deepEqual(runParams(both).fromInputs, ['doubled']);
  });

  test('--tags: nodes with any of the tags, comma list and repeated', async () => {
    const [one, list, repeated] = await Promise.all([
      run(['--tags', 'math']),
      run(['--tags', 'math,squares']),
      run(['--tags', 'math', '--tags', 'squares']),
    ]);
    assert.deepEqual(ran(one), ['double', 'shift']);
    assert.deepEqual(ran(list), ['double', 'shift', 'square']);
    assert.deepEqual(ran(repeated), ['double', 'shift', 'square']);
  });

  test('--namespaces: only the nodes of a namespace', async () => {
    const outcome = await run(['--namespaces', 'stats']);
    assert.deepEqual(ran(outcome), ['stats.maximum', 'stats.minimum']);
    assert.deepEqual(runParams(outcome).namespaces, ['stats']);
  });

  test('--runner sequential | parallel | async: every node runs; parallel runs them on worker threads', async () => {
    // Tracking off: the project's earlier runs (other tests') would let the parallel run go serial;
    // without them its shape (four of its seven nodes on the longest chain) keeps it on workers.
    const [sequential, parallel, asynchronous] = await Promise.all(
      ['sequential', 'parallel', 'async'].map((runner) =>
        run(['--runner', runner], { env: { SLUICE_TRACKING: 'off' } }),
      ),
    );
    for (const [name, outcome] of [
      ['sequential', sequential!],
      ['parallel', parallel!],
      ['async', asynchronous!],
    ] as const) {
      assert.deepEqual(ran(outcome), ALL, name);
      assert.equal(runParams(outcome).runner, name);
      assert.match(outcome.stderr, new RegExp(`^\\[sluice\\] ○ 7 nodes queued \\(${name} runner\\)$`, 'm'));
      assert.equal(
        readFileSync(join(outcome.out, 'report.txt'), 'utf8'),
        'total=60 squares=1,4,9,16 label=base\n',
      );
    }
    // Kedro's sequential order: topological layers, each sorted by name.
    assert.deepEqual(started(sequential!.stderr), [
      'double',
      'square',
      'stats.maximum',
      'stats.minimum',
      'shift',
      'total',
      'describe',
    ]);
    const nodeThreads = (outcome: Run) =>
      outcome.record.filter((line) => line.hook === 'beforeNodeRun').map((line) => line.threadId);
    assert.equal(nodeThreads(parallel!).length, 7);
    assert.ok(
      nodeThreads(parallel!).every((thread) => thread !== 0),
      'parallel nodes ran in worker threads',
    );
    assert.ok(nodeThreads(sequential!).every((thread) => thread === 0));
    assert.ok(nodeThreads(asynchronous!).every((thread) => thread === 0));
  });

  test('--env: conf/<env> overrides base parameters', async () => {
    const outcome = await run(['--env', 'staging', '--pipeline', 'main']);
    assert.deepEqual(ran(outcome), ['describe', 'double', 'shift', 'square', 'total']);
    assert.deepEqual(readJson(join(outcome.out, 'doubled.json')), [3, 6, 9, 12]);
    assert.equal(readJson(join(outcome.out, 'total.json')), 70);
    assert.equal(runParams(outcome).env, 'staging');
  });

  test('--params: "k=v,k=v" and repeated --params override parameters, values read as YAML scalars', async () => {
    const [list, repeated] = await Promise.all([
      run(['--pipeline', 'main', '--params', 'factor=5,offset=0,label=from the command line']),
      run(['--pipeline', 'main', '--params', 'factor=5', '--params', 'offset=0', '--params', 'label=again']),
    ]);
    assert.deepEqual(ran(list), ['describe', 'double', 'shift', 'square', 'total']);
    assert.deepEqual(readJson(join(list.out, 'doubled.json')), [5, 10, 15, 20]);
    assert.equal(
      readFileSync(join(list.out, 'report.txt'), 'utf8'),
      'total=50 squares=1,4,9,16 label=from the command line\n',
    );
    ran(repeated);
    assert.equal(
      readFileSync(join(repeated.out, 'report.txt'), 'utf8'),
      'total=50 squares=1,4,9,16 label=again\n',
    );
    assert.deepEqual(runParams(repeated).runtimeParams, {
      out_dir: repeated.out,
      factor: 5,
      offset: 0,
      label: 'again',
    });
  });

  test('--load-versions: a later run loads the older version of a versioned dataset that an earlier run saved', async () => {
    const out = tempDir('versions');
    ran(await run(['--pipeline', 'versions', '--params', 'label=first'], { out }));
    ran(await run(['--pipeline', 'versions', '--params', 'label=second'], { out }));
    const versions = readdirSync(join(out, 'snapshot.json'))
      .filter((name) => !name.startsWith('.'))
      .sort();
    assert.equal(versions.length, 2, versions.join(', '));
    const copied = () => (readJson(join(out, 'snapshot_copy.json')) as { label: string }).label;
    assert.equal(copied(), 'second');

    const pinned = await run(
      ['--pipeline', 'versions', '--nodes', 'copy_snapshot', '--load-versions', `snapshot:${versions[0]}`],
      { out },
    );
    assert.deepEqual(ran(pinned), ['copy_snapshot']);
    assert.equal(copied(), 'first', 'the pinned, older version was loaded');
    assert.deepEqual(runParams(pinned).loadVersions, { snapshot: versions[0] });

    const latest = await run(['--pipeline', 'versions', '--nodes', 'copy_snapshot'], { out });
    assert.deepEqual(ran(latest), ['copy_snapshot']);
    assert.equal(copied(), 'second', 'without --load-versions the latest version loads');
  });

  test("--async: a node's inputs load concurrently (and the runner still runs every node)", async () => {
    const [plain, concurrent] = await Promise.all([
      run(['--pipeline', 'main']),
      run(['--pipeline', 'main', '--async']),
    ]);
    assert.deepEqual(ran(plain), ran(concurrent));
    assert.equal(runParams(plain).isAsync, false);
    assert.equal(runParams(concurrent).isAsync, true);
    assert.ok(
      concurrent.record
        .filter((line) => line.hook === 'beforeNodeRun')
        .every((line) => line.isAsync === true),
    );
    // describe reads total (a JSON file, loaded asynchronously) then squares. In order, total's load
    // finishes before squares' starts; concurrently, squares' load starts while total's is in flight.
    const order = (outcome: Run) =>
      outcome.record
        .filter((line) => line.node === 'describe' && /DatasetLoaded$/.test(line.hook))
        .map((line) => `${line.hook}:${line.dataset}`);
    const sequence = order(plain);
    assert.ok(
      sequence.indexOf('afterDatasetLoaded:total') < sequence.indexOf('beforeDatasetLoaded:squares'),
      sequence.join(' '),
    );
    const overlapped = order(concurrent);
    assert.ok(
      overlapped.indexOf('beforeDatasetLoaded:squares') < overlapped.indexOf('afterDatasetLoaded:total'),
      overlapped.join(' '),
    );
  });

  test('--conf-source: another configuration folder, relative or absolute', async () => {
    const [relative, absolute] = await Promise.all([
      run(['--pipeline', 'main', '--conf-source', 'conf-alt']),
      run(['--pipeline', 'main', '--conf-source', join(project, 'conf-alt')]),
    ]);
    for (const outcome of [relative, absolute]) {
      assert.deepEqual(ran(outcome), ['describe', 'double', 'shift', 'square', 'total']);
      assert.deepEqual(readJson(join(outcome.out, 'doubled.json')), [7, 14, 21, 28]);
      assert.equal(
        readFileSync(join(outcome.out, 'report.txt'), 'utf8'),
        'total=74 squares=1,4,9,16 label=alt\n',
      );
    }
    assert.equal(runParams(relative).confSource, 'conf-alt');
  });

  test('--only-missing-outputs: a second run skips every node; after deleting outputs only what they need runs', async () => {
    const out = tempDir('missing');
    cpSync(seeded, out, { recursive: true });
    const again = await run(['--only-missing-outputs'], { out });
    assert.deepEqual(ran(again), []);
    assert.deepEqual(sorted(skipped(again.stderr)), ALL);
    assert.match(again.stderr, /^7 nodes: 0 done, 0 failed, 7 skipped in /m);
    assert.equal(runParams(again).onlyMissingOutputs, true);

    rmSync(join(out, 'report.txt'));
    rmSync(join(out, 'stats_max.json'));
    const partial = await run(['--only-missing-outputs'], { out });
    // describe needs squares, which lives in memory only, so square runs again; total.json is on disk.
    assert.deepEqual(ran(partial), ['describe', 'square', 'stats.maximum']);
    assert.deepEqual(sorted(skipped(partial.stderr)), ['double', 'shift', 'stats.minimum', 'total']);
    assert.equal(readFileSync(join(out, 'report.txt'), 'utf8'), 'total=60 squares=1,4,9,16 label=base\n');
  });

  test('--continue-on-failure: independent nodes still run, exit 1, every failure reported', async () => {
    const env = { SLUICE_CLI_FAIL: 'double,stats.maximum' };
    const [stopping, continuing] = await Promise.all([
      run([], { env }),
      run(['--continue-on-failure'], { env }),
    ]);

    // Without the flag the first failure stops scheduling: double runs first and nothing follows.
    assert.equal(stopping.code, 1, stopping.output);
    assert.deepEqual(started(stopping.stderr), ['double']);
    assert.deepEqual(failed(stopping.stderr), ['double']);

    assert.equal(continuing.code, 1, continuing.output);
    assert.deepEqual(sorted(started(continuing.stderr)), [
      'double',
      'square',
      'stats.maximum',
      'stats.minimum',
    ]);
    assert.deepEqual(sorted(done(continuing.stderr)), ['square', 'stats.minimum']);
    assert.deepEqual(sorted(failed(continuing.stderr)), ['double', 'stats.maximum']);
    assert.deepEqual(sorted(skipped(continuing.stderr)), ['describe', 'shift', 'total']);
    assert.equal(
      readJson(join(continuing.out, 'stats_min.json')),
      1,
      'the independent branch saved its output',
    );
    // One error listing both failures, and the dependants that did not run.
    assert.match(continuing.stderr, /^Error: 2 node\(s\) failed:$/m);
    assert.match(continuing.stderr, /^ {2}- double: double failed on purpose$/m);
    assert.match(continuing.stderr, /^ {2}- stats\.maximum: stats\.maximum failed on purpose$/m);
    assert.match(continuing.stderr, /did not run: shift, total, describe/);
    const errors = continuing.record.filter((line) => line.hook === 'onNodeError').map((line) => line.node);
    assert.deepEqual(sorted(errors as string[]), ['double', 'stats.maximum']);
    const pipelineErrors = continuing.record.filter((line) => line.hook === 'onPipelineError');
    assert.deepEqual(
      pipelineErrors.map((line) => line.error),
      ['NodeFailuresError'],
    );
    assert.match(
      continuing.stderr,
      /sluice run .*--continue-on-failure --from-nodes double,square,stats\.maximum$/m,
    );
  });
});
