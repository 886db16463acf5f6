import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Runner, RunParams, SluicePlugin } from '../../src/index.ts';
import {
  AsyncRunner,
  createHookManager,
  DataCatalog,
  definePlugin,
  JsonDataset,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
  Session,
} from '../../src/index.ts';
import { isRelayed } from '../../src/plugin-api/index.ts';
import { RelayedEventDelivery, serializeError } from '../../src/runner/relay.ts';
import type { ProgressOptions } from '../../src/plugins/index.ts';
import { formatSummary, progressPlugin } from '../../src/plugins/index.ts';
import { ONE_AT_A_TIME_NOTE } from '../../src/plugins/progress/format.ts';

const ESC = '\x1b[';
const FIXTURE = fileURLToPath(new URL('../fixtures/projects/basic', import.meta.url));

/** A PassThrough that records every write synchronously, and claims to be a terminal or not. */
function fakeStream(isTTY: boolean, size: { columns?: number; rows?: number } = {}) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  const write = stream.write.bind(stream) as (chunk: unknown) => boolean;
  stream.write = ((chunk: unknown) => {
    chunks.push(String(chunk));
    return write(chunk);
  }) as typeof stream.write;
  stream.resume();
  Object.assign(stream, { isTTY, ...size });
  return { stream, chunks, text: () => chunks.join('') };
}

/** A clock the nodes move forward: each node "takes" a fixed number of milliseconds. */
function fakeClock() {
  const clock = { t: 0, now: () => clock.t };
  return clock;
}

/**
 * The fixture project's pipeline (double → shift → total, square, describe), in memory. Each node
 * advances the clock by its own duration; `fail` names a node that throws.
 */
function pipelineOf(clock: { t: number }, fail?: string): Pipeline {
  const step = (name: string, ms: number) => {
    clock.t += ms;
    if (name === fail) throw new Error(`${name} failed on purpose\nwith a second line`);
  };
  return new Pipeline([
    node(
      (numbers: number[]) => {
        step('double', 120);
        return numbers.map((n) => n * 2);
      },
      'numbers',
      'doubled',
      { name: 'double' },
    ),
    node(
      (doubled: number[]) => {
        step('shift', 10);
        return doubled.map((n) => n + 10);
      },
      'doubled',
      'shifted',
      { name: 'shift' },
    ),
    node(
      (shifted: number[]) => {
        step('total', 30);
        return shifted.reduce((sum, n) => sum + n, 0);
      },
      'shifted',
      'sum',
      { name: 'total' },
    ),
    node(
      (numbers: number[]) => {
        step('square', 40);
        return numbers.map((n) => n * n);
      },
      'numbers',
      'squares',
      { name: 'square' },
    ),
    node(
      (sum: number, squares: number[]) => {
        step('describe', 5);
        return `sum=${sum} squares=${squares.join(',')}`;
      },
      ['sum', 'squares'],
      'report',
      { name: 'describe' },
    ),
  ]);
}

function runParamsFor(runner: Runner, overrides: Partial<RunParams> = {}): RunParams {
  return {
    runId: 'test-run',
    projectPath: process.cwd(),
    env: 'local',
    confSource: 'conf',
    pipelineName: '__default__',
    tags: [],
    nodeNames: [],
    fromNodes: [],
    toNodes: [],
    fromInputs: [],
    toOutputs: [],
    namespaces: [],
    runner: runner.name,
    isAsync: false,
    loadVersions: {},
    runtimeParams: {},
    onlyMissingOutputs: false,
    continueOnFailure: false,
    sluiceVersion: 'test',
    ...overrides,
  };
}

/** Runs the pipeline through a real hook manager and runPipeline; returns the stream's text. */
async function runWithProgress(
  options: Omit<ProgressOptions, 'stream' | 'now'> & {
    tty?: boolean;
    fail?: string;
    runner?: Runner;
    runParams?: Partial<RunParams>;
    catalog?: DataCatalog;
    others?: SluicePlugin[];
  } = {},
) {
  const {
    tty = false,
    fail,
    runner = new SequentialRunner(),
    runParams,
    catalog,
    others = [],
    ...progress
  } = options;
  const out = fakeStream(tty);
  const clock = fakeClock();
  const hooks = createHookManager();
  const plugin = progressPlugin({ ...progress, stream: out.stream, now: clock.now });
  hooks.register(plugin);
  for (const other of others) hooks.register(other);
  const params = runParamsFor(runner, runParams);
  let error: Error | undefined;
  try {
    await runPipeline({
      pipeline: pipelineOf(clock, fail),
      catalog: catalog ?? new DataCatalog().feed({ numbers: [1, 2, 3, 4] }),
      hooks,
      runner,
      runParams: params,
      options: {},
    });
  } catch (thrown) {
    error = thrown as Error;
  }
  return { text: out.text(), chunks: out.chunks, error, plugin };
}

test('plain mode: one line per event, then the summary table', async () => {
  const { text, error } = await runWithProgress({ mode: 'plain' });
  assert.equal(error, undefined);
  assert.equal(
    text,
    [
      '[sluice] ○ 5 nodes queued (sequential runner)',
      '[sluice] ▶ double',
      '[sluice] ✓ double 0.12s',
      '[sluice] ▶ square',
      '[sluice] ✓ square 0.04s',
      '[sluice] ▶ shift',
      '[sluice] ✓ shift 0.01s',
      '[sluice] ▶ total',
      '[sluice] ✓ total 0.03s',
      '[sluice] ▶ describe',
      '[sluice] ✓ describe 0.01s',
      'node      load   run  save  total  status  written to',
      'double    0.00  0.12  0.00   0.12  done    memory',
      'square    0.00  0.04  0.00   0.04  done    memory',
      'shift     0.00  0.01  0.00   0.01  done    memory',
      'total     0.00  0.03  0.00   0.03  done    memory',
      'describe  0.00  0.01  0.00   0.01  done    memory',
      'time: load 0.00s + run 0.21s + save 0.00s + hooks 0.00s = 0.21s in nodes; 0.00s (0.0%) outside them',
      '5 nodes: 5 done, 0 failed, 0 skipped in 0.20s',
      '',
    ].join('\n'),
  );
});

test('plain mode: a failed node shows its error first line; nodes behind it are skipped', async () => {
  const { text, error } = await runWithProgress({ mode: 'plain', fail: 'shift' });
  assert.equal(error?.message, 'shift failed on purpose\nwith a second line');
  assert.equal(
    text,
    [
      '[sluice] ○ 5 nodes queued (sequential runner)',
      '[sluice] ▶ double',
      '[sluice] ✓ double 0.12s',
      '[sluice] ▶ square',
      '[sluice] ✓ square 0.04s',
      '[sluice] ▶ shift',
      '[sluice] ✗ shift 0.01s: shift failed on purpose',
      '[sluice] - total skipped',
      '[sluice] - describe skipped',
      'node      load   run  save  total  status   written to',
      'double    0.00  0.12  0.00   0.12  done     memory',
      'square    0.00  0.04  0.00   0.04  done     memory',
      'shift     0.00  0.01     -   0.01  failed',
      'total        -     -     -      -  skipped',
      'describe     -     -     -      -  skipped',
      'time: load 0.00s + run 0.17s + save 0.00s + hooks 0.00s = 0.17s in nodes; 0.00s (0.0%) outside them',
      '5 nodes: 2 done, 1 failed, 2 skipped in 0.17s',
      '',
    ].join('\n'),
  );
});

test('async runner with continueOnFailure: what does not depend on the failure runs, the rest is skipped', async () => {
  const runner = new AsyncRunner({ concurrency: 4 });
  const { text, error } = await runWithProgress({
    mode: 'plain',
    fail: 'double',
    runner,
    runParams: { continueOnFailure: true },
  });
  assert.equal(error?.name, 'NodeFailuresError');
  const lines = text.split('\n');
  assert.equal(lines[0], '[sluice] ○ 5 nodes queued (async runner)');
  // double and square run at once on a shared fake clock, so their durations depend on how their
  // awaits interleave; what the test checks is which nodes ran, failed and were skipped.
  for (const line of [
    /^\[sluice\] ✗ double \d+\.\d\ds: double failed on purpose$/,
    /^\[sluice\] ✓ square \d+\.\d\ds$/,
  ])
    assert.ok(
      lines.some((each) => line.test(each)),
      String(line),
    );
  for (const name of ['shift', 'total', 'describe']) {
    assert.ok(lines.includes(`[sluice] - ${name} skipped`), `${name} skipped`);
    assert.ok(!lines.includes(`[sluice] ▶ ${name}`), `${name} never started`);
  }
  assert.match(text, /5 nodes: 1 done, 1 failed, 3 skipped in 0\.16s\n$/);
});

test('async runner: concurrent nodes are timed by name', async () => {
  const { text } = await runWithProgress({ mode: 'plain', runner: new AsyncRunner({ concurrency: 8 }) });
  for (const [name, seconds] of [
    ['double', '0.12'],
    ['shift', '0.01'],
    ['total', '0.03'],
    ['square', '0.04'],
    ['describe', '0.01'],
  ]) {
    assert.ok(text.includes(`[sluice] ✓ ${name} ${seconds}s\n`), `${name} ${seconds}`);
  }
  assert.ok(text.endsWith('5 nodes: 5 done, 0 failed, 0 skipped in 0.20s\n'));
});

/**
 * The async runner under the parallel runner's name, its nodes' `onNodeStart` naming a worker
 * thread (`onWorkers`, the default) or the main thread (a parallel run that went serial): what
 * the summary sees is the same as from the parallel runner.
 */
class NamedParallel extends AsyncRunner {
  override readonly name = 'parallel';
  readonly #worker: string;

  constructor(options: { concurrency: number; onWorkers?: boolean }) {
    super({ concurrency: options.concurrency });
    this.#worker = options.onWorkers === false ? 'main' : 'thread 1';
  }

  override run(...[pipeline, catalog, hooks, options]: Parameters<AsyncRunner['run']>) {
    const worker = this.#worker;
    const named = new Proxy(hooks.hook, {
      get(target, name, receiver) {
        const caller = Reflect.get(target, name, receiver);
        if (name !== 'onNodeStart') return caller;
        return {
          active: caller.active,
          call: (args: Record<string, unknown>) => caller.call({ ...args, worker }),
        };
      },
    });
    const withWorker = new Proxy(hooks, {
      get: (target, name, receiver) => (name === 'hook' ? named : Reflect.get(target, name, receiver)),
    });
    return super.run(pipeline, catalog, withWorker, options);
  }
}

test('the parallel runner never ran two nodes at once: the summary says the sequential runner avoids its start-up', async () => {
  const oneAtATime = await runWithProgress({ mode: 'plain', runner: new NamedParallel({ concurrency: 1 }) });
  assert.ok(oneAtATime.text.endsWith(`in 0.20s\n${ONE_AT_A_TIME_NOTE}\n`), oneAtATime.text);
  // A parallel run that went serial in the main thread (serialBelow) started no worker's node.
  const serial = await runWithProgress({
    mode: 'plain',
    runner: new NamedParallel({ concurrency: 1, onWorkers: false }),
  });
  assert.ok(serial.text.endsWith('in 0.20s\n'), serial.text);
  // Two nodes that each wait until both have started: they overlap, whatever the timing.
  let arrived = 0;
  let release: () => void = () => {};
  const both = new Promise<void>((resolve) => (release = resolve));
  const meet = async (value: number) => {
    if (++arrived === 2) release();
    await both;
    return value;
  };
  const out = fakeStream(false);
  const hooks = createHookManager();
  hooks.register(progressPlugin({ mode: 'plain', stream: out.stream }));
  const runner = new NamedParallel({ concurrency: 2 });
  await runPipeline({
    pipeline: new Pipeline([
      node(meet, 'seed', 'left', { name: 'left' }),
      node(meet, 'seed', 'right', { name: 'right' }),
    ]),
    catalog: new DataCatalog().feed({ seed: 1 }),
    hooks,
    runner,
    runParams: runParamsFor(runner),
    options: {},
  });
  assert.match(out.text(), /2 nodes: 2 done/);
  assert.ok(!out.text().includes(ONE_AT_A_TIME_NOTE), out.text());
  // Only the parallel runner starts threads: the others never get the line.
  for (const runner of [new SequentialRunner(), new AsyncRunner({ concurrency: 1 })]) {
    const { text } = await runWithProgress({ mode: 'plain', runner });
    assert.ok(!text.includes(ONE_AT_A_TIME_NOTE), runner.name);
  }
  const live = await runWithProgress({
    mode: 'live',
    tty: true,
    runner: new NamedParallel({ concurrency: 1 }),
  });
  assert.ok(live.text.includes(ONE_AT_A_TIME_NOTE));
});

test('onlyMissingOutputs: the nodes the runner skipped (runResult.skippedNodes) show as skipped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-progress-'));
  try {
    // squares exists and report doesn't: square is the one node with nothing to do.
    await writeFile(join(dir, 'squares.json'), '[1,4,9,16]');
    const catalog = new DataCatalog().feed({ numbers: [1, 2, 3, 4] });
    catalog.add('squares', new JsonDataset('squares', { filepath: join(dir, 'squares.json') }));
    catalog.add('report', new JsonDataset('report', { filepath: join(dir, 'report.json') }));
    const { text, error } = await runWithProgress({
      mode: 'plain',
      catalog,
      runParams: { onlyMissingOutputs: true },
    });
    assert.equal(error, undefined);
    assert.ok(!text.includes('▶ square'));
    assert.ok(text.includes('[sluice] - square skipped\n'));
    assert.match(text, /^square +(- +){4}skipped$/m);
    assert.ok(text.endsWith('5 nodes: 4 done, 0 failed, 1 skipped in 0.17s\n'), text);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('color: true paints symbols and statuses; color: false writes no ANSI code at all', async () => {
  const colored = await runWithProgress({ mode: 'plain', color: true, fail: 'shift' });
  assert.ok(colored.text.includes(`${ESC}32m✓${ESC}39m`), 'a green tick');
  assert.ok(colored.text.includes(`${ESC}31m✗${ESC}39m`), 'a red cross');
  const plain = await runWithProgress({ mode: 'plain', color: false, fail: 'shift' });
  assert.ok(!plain.text.includes('\x1b'), 'no escape character');
});

test('color defaults to the terminal, and NO_COLOR turns it off', async () => {
  const before = process.env.NO_COLOR;
  try {
    delete process.env.NO_COLOR;
    assert.ok(
      (await runWithProgress({ mode: 'plain', tty: true })).text.includes(`${ESC}32m`),
      'coloured on a terminal',
    );
    assert.ok(
      !(await runWithProgress({ mode: 'plain', tty: false })).text.includes('\x1b'),
      'not coloured in a pipe',
    );
    process.env.NO_COLOR = '1';
    assert.ok(!(await runWithProgress({ mode: 'plain', tty: true })).text.includes('\x1b'), 'NO_COLOR wins');
  } finally {
    if (before === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = before;
  }
});

/** Splits live output into frames: each starts where the cursor moves up over the last one. */
function frames(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- ANSI sequences are what is parsed here
  return text.split(/\x1b\[\d+A\r/).map((frame) => frame.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
}

test('live mode: the block is redrawn in place, then gives way to the summary', async () => {
  const { text, error } = await runWithProgress({ mode: 'live', tty: true, color: false, fail: 'shift' });
  assert.ok(error);
  assert.ok(text.includes(`${ESC}2K`), 'clears lines');
  assert.ok(text.includes(`${ESC}6A\r`), 'moves up over the 6-line block (header + 5 nodes)');
  const all = frames(text);
  const first = all[0]!.split('\n');
  assert.equal(first[0], '⠋ sequential run · 0/5 nodes · 0.0s');
  assert.deepEqual(first.slice(1, 6), ['  ○ double', '  ○ square', '  ○ shift', '  ○ total', '  ○ describe']);
  // The failure is printed above the block, where it stays.
  assert.ok(text.includes('[sluice] ✗ shift 0.01s: shift failed on purpose\n'));
  assert.ok(
    all.some((frame) => frame.includes('  ✓ double    0.12s')),
    'a frame shows double done',
  );
  assert.ok(
    all.some((frame) => frame.includes('  ✗ shift     0.01s  shift failed on purpose')),
    'a frame shows shift failed',
  );
  const last = all.at(-1)!;
  assert.ok(last.startsWith('node      load   run  save  total  status   written to\n'), last);
  assert.ok(text.endsWith('5 nodes: 2 done, 1 failed, 2 skipped in 0.17s\n'));
});

test('live mode: each event redraws when the last frame is older than the refresh interval', async () => {
  const out = fakeStream(true);
  const clock = fakeClock();
  const hooks = createHookManager();
  hooks.register(progressPlugin({ mode: 'live', color: false, stream: out.stream, now: clock.now }));
  // Runs before the progress plugin's beforeNodeRun (which is trylast): 100 ms after the first frame.
  hooks.register(definePlugin({ name: 'later', beforeNodeRun: () => void (clock.t += 100) }));
  const seen: string[] = [];
  const pipeline = new Pipeline([
    node(
      (x: number) => {
        seen.push(frames(out.text()).at(-1)!);
        clock.t += 100;
        return x + 1;
      },
      'x',
      'y',
      { name: 'inc' },
    ),
  ]);
  const runner = new SequentialRunner();
  await runPipeline({
    pipeline,
    catalog: new DataCatalog().feed({ x: 1 }),
    hooks,
    runner,
    runParams: runParamsFor(runner),
    options: {},
  });
  assert.equal(seen.length, 1);
  assert.equal(seen[0], '⠙ sequential run · 0/1 nodes · 0.1s · 1 running\n  ⠙ inc  0.0s\n');
  assert.ok(out.text().endsWith('1 node: 1 done, 0 failed, 0 skipped in 0.20s\n'), out.text());
});

test('live mode without summary leaves the final block on screen, and clears its timer', async () => {
  const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  const before = timers();
  const { text } = await runWithProgress({ mode: 'live', tty: true, color: false, summary: false });
  assert.equal(timers(), before, 'no timer left behind');
  const last = frames(text).at(-1)!;
  assert.equal(
    last,
    [
      '✓ sequential run · 5/5 nodes · 0.2s',
      '  ✓ double    0.12s',
      '  ✓ square    0.04s',
      '  ✓ shift     0.01s',
      '  ✓ total     0.03s',
      '  ✓ describe  0.01s',
      '',
    ].join('\n'),
  );
  assert.ok(!text.includes('seconds  status'));
});

test('live mode caps the block for large pipelines: running and recent nodes, then counts', async () => {
  const out = fakeStream(true, { columns: 60 });
  const clock = fakeClock();
  const hooks = createHookManager();
  hooks.register(
    progressPlugin({
      mode: 'live',
      color: false,
      summary: false,
      maxLines: 4,
      stream: out.stream,
      now: clock.now,
    }),
  );
  const nodes = Array.from({ length: 30 }, (_, i) =>
    node(
      (x: number) => {
        clock.t += 100;
        return x + i;
      },
      'x',
      `out_${String(i).padStart(2, '0')}`,
      { name: `node_${String(i).padStart(2, '0')}_with_a_rather_long_name_that_will_not_fit_on_a_line` },
    ),
  );
  const runner = new SequentialRunner();
  await runPipeline({
    pipeline: new Pipeline(nodes),
    catalog: new DataCatalog().feed({ x: 1 }),
    hooks,
    runner,
    runParams: runParamsFor(runner),
    options: {},
  });
  for (const frame of frames(out.text())) {
    const lines = frame.split('\n').filter((line) => line !== '');
    assert.ok(lines.length <= 6, `header + 4 nodes + counts, got ${lines.length}`);
    for (const line of lines)
      assert.ok(line.length <= 59, `cut to the terminal width: ${JSON.stringify(line)}`);
  }
  const last = frames(out.text()).at(-1)!.split('\n');
  assert.equal(last[0], '✓ sequential run · 30/30 nodes · 3.0s');
  assert.deepEqual(
    last.slice(1, 5).map((line) => line.slice(0, 12)),
    ['  ✓ node_26_', '  ✓ node_27_', '  ✓ node_28_', '  ✓ node_29_'],
    'the most recent nodes',
  );
  assert.equal(last[5], '  … 26 more: 26 done');
});

test("mode 'off' prints nothing and implements no hook; 'auto' follows the stream", async () => {
  const off = await runWithProgress({ mode: 'off', tty: true });
  assert.equal(off.text, '');
  assert.deepEqual(Object.keys(off.plugin), ['name']);
  assert.equal(off.plugin.name, 'sluice:progress');

  const pipe = await runWithProgress({ mode: 'auto', tty: false });
  assert.ok(pipe.text.startsWith('[sluice] ○ 5 nodes queued'));
  const terminal = await runWithProgress({ mode: 'auto', tty: true, color: false });
  assert.ok(terminal.text.includes(`${ESC}2K`));
});

test('the plugin is a process:main plugin named sluice:progress; without a summary it uses no dataset hook', () => {
  const plugin = progressPlugin({ stream: fakeStream(false).stream });
  assert.equal(plugin.name, 'sluice:progress');
  assert.equal(plugin.process, 'main');
  assert.deepEqual(
    Object.keys(plugin).filter((key) => key.includes('Dataset')),
    ['afterDatasetLoaded', 'afterDatasetSaved'],
  );
  assert.deepEqual(
    Object.keys(progressPlugin({ stream: fakeStream(false).stream, summary: false })).filter((key) =>
      key.includes('Dataset'),
    ),
    [],
  );
  assert.throws(
    () => progressPlugin({ mode: 'fancy' as never }),
    /mode must be one of auto, live, plain, off/,
  );
});

test('other plugins around it keep working, and their hook time is not counted in durations', async () => {
  const out = fakeStream(false);
  const clock = fakeClock();
  const slow = definePlugin({
    name: 'slow',
    beforeNodeRun: () => void (clock.t += 1000),
    afterNodeRun: () => void (clock.t += 1000),
  });
  const hooks = createHookManager();
  hooks.register(progressPlugin({ mode: 'plain', stream: out.stream, now: clock.now }));
  hooks.register(slow);
  const runner = new SequentialRunner();
  await runPipeline({
    pipeline: pipelineOf(clock),
    catalog: new DataCatalog().feed({ numbers: [1] }),
    hooks,
    runner,
    runParams: runParamsFor(runner),
    options: {},
  });
  assert.ok(out.text().includes('[sluice] ✓ double 0.12s\n'), out.text());
});

test('formatSummary aligns columns and totals the statuses', () => {
  assert.equal(
    formatSummary(
      [
        { node: 'ingest.load_raw', seconds: 12.345, status: 'done' },
        { node: 'clean', seconds: 0.5, status: 'failed' },
        { node: 'report', status: 'skipped' },
      ],
      { totalSeconds: 13.5 },
    ),
    [
      'node             load    run  save  total  status   written to',
      'ingest.load_raw     -  12.35     -      -  done',
      'clean               -   0.50     -      -  failed',
      'report              -      -     -      -  skipped',
      '3 nodes: 1 done, 1 failed, 1 skipped in 13.50s',
    ].join('\n'),
  );
  assert.equal(
    formatSummary([{ node: 'a', seconds: 1, status: 'done' }]),
    [
      'node  load   run  save  total  status  written to',
      'a        -  1.00     -      -  done',
      '1 node: 1 done, 0 failed, 0 skipped in 1.00s',
    ].join('\n'),
  );
  assert.equal(
    formatSummary([]),
    [
      'node  load  run  save  total  status  written to',
      '0 nodes: 0 done, 0 failed, 0 skipped in 0.00s',
    ].join('\n'),
  );
  assert.equal(
    formatSummary([{ node: 'a', status: 'running' }])
      .split('\n')
      .at(-1),
    '1 node: 0 done, 0 failed, 0 skipped, 1 running in 0.00s',
  );
  assert.ok(!formatSummary([{ node: 'a', seconds: 1, status: 'failed' }]).includes('\x1b'));
  assert.ok(
    formatSummary([{ node: 'a', seconds: 1, status: 'failed' }], { color: true }).includes(`${ESC}31m`),
  );
});

test('relayed events: delivered the way RelayedEventDelivery delivers them, with RelayedData', async () => {
  const out = fakeStream(false);
  const clock = fakeClock();
  const hooks = createHookManager();
  const runner = { name: 'parallel' } as Runner;
  hooks.register(progressPlugin({ mode: 'plain', stream: out.stream, now: clock.now }));
  const received: boolean[] = [];
  hooks.register(
    definePlugin({
      name: 'main-observer',
      process: 'main',
      afterNodeRun: ({ outputs }) =>
        void received.push(Object.values(outputs).every((value) => isRelayed(value))),
    }),
  );
  const pipeline = pipelineOf(clock);
  const catalog = new DataCatalog().feed({ numbers: [1, 2, 3, 4] });
  const runParams = runParamsFor(runner);
  const delivery = new RelayedEventDelivery(hooks, pipeline, catalog);
  const shape = (datasetName: string) => ({
    datasetName,
    description: catalog.describe('numbers'),
    kind: 'array',
    size: 4,
  });
  hooks.hook.beforePipelineRun.call({ runParams, pipeline, catalog });
  for (const [name, ms] of [
    ['double', 120],
    ['square', 40],
  ] as const) {
    delivery.deliver({
      hook: 'beforeNodeRun',
      nodeName: name,
      inputs: { numbers: shape('numbers') },
      isAsync: false,
      runId: 'test-run',
    });
    clock.t += ms;
    delivery.deliver({
      hook: 'afterNodeRun',
      nodeName: name,
      inputs: {},
      outputs: { out: shape('out') },
      isAsync: false,
      runId: 'test-run',
    });
  }
  delivery.deliver({
    hook: 'beforeNodeRun',
    nodeName: 'shift',
    inputs: {},
    isAsync: false,
    runId: 'test-run',
  });
  clock.t += 10;
  const error = new Error('shift failed in a worker');
  delivery.deliver({
    hook: 'onNodeError',
    nodeName: 'shift',
    error: serializeError(error),
    inputs: {},
    isAsync: false,
    runId: 'test-run',
  });
  hooks.hook.onPipelineError.call({ error, runParams, pipeline, catalog });
  assert.deepEqual(received, [true, true]);
  assert.equal(
    out.text(),
    [
      '[sluice] ○ 5 nodes queued (parallel runner)',
      '[sluice] ▶ double',
      '[sluice] ✓ double 0.12s',
      '[sluice] ▶ square',
      '[sluice] ✓ square 0.04s',
      '[sluice] ▶ shift',
      '[sluice] ✗ shift 0.01s: shift failed in a worker',
      '[sluice] - total skipped',
      '[sluice] - describe skipped',
      'node      load   run  save  total  status   written to',
      'double       -  0.12     -      -  done',
      'square       -  0.04     -      -  done',
      'shift        -  0.01     -      -  failed',
      'total        -     -     -      -  skipped',
      'describe     -     -     -      -  skipped',
      '5 nodes: 2 done, 1 failed, 2 skipped in 0.17s',
      '',
    ].join('\n'),
  );
});

/** The basic fixture project, with its data folder in a temporary directory. */
async function fixtureData(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-progress-project-'));
  await copyFile(join(FIXTURE, 'data', 'numbers.json'), join(dir, 'numbers.json'));
  await mkdir(join(dir, 'out'));
  return dir;
}

test('parallel runner: the fixture project, every node reaches done through relayed events', async () => {
  const dir = await fixtureData();
  try {
    const out = fakeStream(false);
    const session = await Session.create({ projectPath: FIXTURE, runtimeParams: { data_dir: dir } });
    session.hooks.register(progressPlugin({ mode: 'plain', stream: out.stream }));
    await session.run({ runner: 'parallel' });
    const text = out.text();
    assert.ok(text.startsWith('[sluice] ○ 5 nodes queued (parallel runner)\n'), text);
    for (const name of ['double', 'shift', 'total', 'square', 'describe']) {
      assert.match(text, new RegExp(`^\\[sluice\\] ▶ ${name}$`, 'm'), `${name} started`);
      assert.match(text, new RegExp(`^\\[sluice\\] ✓ ${name} \\d+\\.\\d\\ds$`, 'm'), `${name} done`);
      assert.match(text, new RegExp(`^${name} +(\\d+\\.\\d\\d +){4}done\\b`, 'm'), `${name} in the summary`);
    }
    assert.match(text, /^double .* done +\S+\/out\/doubled\.json$/m, 'where double wrote its output');
    assert.match(text, /^time: .* in nodes \(nodes overlapped: \d+\.\d\ds of wall time\)$/m);
    // Whether two of the fixture's quick nodes ran at once depends on the machine: if none did,
    // a last line says so.
    assert.match(
      text,
      /5 nodes: 5 done, 0 failed, 0 skipped in \d+\.\d\ds\n(No two nodes ran at once: .*\n)?$/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('parallel runner: a node failing in a worker shows as failed with its message', async () => {
  const dir = await fixtureData();
  const before = process.env.SLUICE_TEST_FAIL;
  process.env.SLUICE_TEST_FAIL = 'shift';
  try {
    const out = fakeStream(false);
    const session = await Session.create({
      projectPath: FIXTURE,
      runtimeParams: { data_dir: dir },
      log: () => {},
    });
    session.hooks.register(progressPlugin({ mode: 'plain', stream: out.stream }));
    await assert.rejects(session.run({ runner: 'parallel' }), /shift failed on purpose/);
    const text = out.text();
    assert.match(text, /^\[sluice\] ✗ shift \d+\.\d\ds: shift failed on purpose$/m);
    assert.match(text, /^\[sluice\] - total skipped$/m);
    assert.match(text, /^\[sluice\] - describe skipped$/m);
    assert.match(text, /^5 nodes: 2 done, 1 failed, 2 skipped in \d+\.\d\ds\n$/m);
  } finally {
    if (before === undefined) delete process.env.SLUICE_TEST_FAIL;
    else process.env.SLUICE_TEST_FAIL = before;
    await rm(dir, { recursive: true, force: true });
  }
});
