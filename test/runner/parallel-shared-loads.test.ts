/**
 * Shared loads on the parallel runner: each thread that runs readers of a persisted dataset reads
 * it once and hands its readers the same frozen value; no value crosses threads for it. Reads are
 * counted by the fixture's CSV dataset, one log line per read with its thread.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ParallelTraceEvent } from '../../src/index.ts';
import { ParallelRunner, Session } from '../../src/index.ts';
import { withEnv } from '../session/support.ts';

const PROJECT = fileURLToPath(new URL('../fixtures/projects/shared-loads/', import.meta.url));

type Summary = { total: number; thread: number; frozen: boolean };

async function run(
  mainThreadLane: boolean,
  pipelineName?: string,
  runnerOptions: ConstructorParameters<typeof ParallelRunner>[0] = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-shared-loads-'));
  try {
    for (const file of ['events', 'events_a', 'events_b', 'events_c'])
      writeFileSync(join(dataDir, `${file}.csv`), 'id,amount\n1,10\n2,20\n3,30\n');
    const log = join(dataDir, 'loads.log');
    writeFileSync(log, '');
    const events: ParallelTraceEvent[] = [];
    const outputs = await withEnv(
      {
        SLUICE_LOAD_LOG: log,
        SLUICE_REWRITE_GATE: join(dataDir, 'rewritten'),
        SLUICE_BRANCH_BARRIER: dataDir,
      },
      async () => {
        const session = await Session.create({
          projectPath: PROJECT,
          runtimeParams: { data_dir: dataDir },
          log: () => {},
        });
        const runner = new ParallelRunner({
          maxWorkers: 2,
          // With the main thread as a lane, it is one of the two threads.
          ...(mainThreadLane ? { startInMainThread: true } : { mainThread: false }),
          onTrace: (e) => events.push(e),
          ...runnerOptions,
        });
        return (await session.run({ runner, ...(pipelineName === undefined ? {} : { pipelineName }) }))
          .outputs;
      },
    );
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const readsOf = (dataset: string) =>
      lines.filter((line) => line.endsWith(` ${dataset}`)).map((line) => Number(line.split(' ')[0]));
    const reads = readsOf('events');
    const summaries = Object.values(outputs) as Summary[];
    return { reads, readsOf, summaries, events, outputs: outputs as Record<string, Summary> };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const [lanes, mainThreadLane] of [
  ['two worker threads', false],
  ['the main thread and a worker thread', true],
] as const) {
  test(`parallel, ${lanes}: each thread reads a file several nodes read once, and hands its readers the frozen rows`, async () => {
    const { reads, summaries, events } = await run(mainThreadLane);
    assert.equal(summaries.length, 4);
    assert.ok(summaries.every((summary) => summary.total === 60));
    const threads = new Set(summaries.map((summary) => summary.thread));
    if (mainThreadLane)
      assert.ok(threads.has(0), 'the main thread ran readers (it takes the first while the worker starts)');
    // One read per thread that ran readers, in that thread; with 4 readers on 2 threads, one thread
    // ran two or more of them and read the file once for them.
    assert.deepEqual([...new Set(reads)].sort(), [...threads].sort());
    assert.equal(reads.length, threads.size, `reads ${reads.join(',')} on threads ${[...threads].join(',')}`);
    assert.ok(reads.length < 4);
    assert.equal(
      events.filter((event) => event.type === 'copy' && event.dataset === 'events').length,
      0,
      'a shared load never crosses threads',
    );
    // The last reader in a thread gets the kept value (frozen); a thread's only reader gets its own.
    for (const thread of threads) {
      const here = summaries.filter((summary) => summary.thread === thread);
      if (here.length > 1)
        assert.ok(
          here.every((summary) => summary.frozen),
          `thread ${thread}`,
        );
    }
  });

  test(`parallel, ${lanes}: a save to another name for the file, in another thread, makes the next reader read it again`, async () => {
    for (let round = 0; round < 3; round++) {
      const { outputs, events } = await run(mainThreadLane, 'alias');
      const threadOf = (name: string) =>
        events.find(
          (event): event is Extract<ParallelTraceEvent, { type: 'node' }> =>
            event.type === 'node' && event.node === name,
        )?.thread;
      assert.notEqual(threadOf('reader_0'), threadOf('rewrite'), 'reader_0 waits for rewrite: two threads');
      assert.equal(outputs['summary_last']?.total, 900, `round ${round}: the last reader saw the old rows`);
    }
  });
}

test("parallel, more branches than threads: a thread freed by a branch takes that branch's next node, so its file is read once and its values stay there", async () => {
  // Branches a and b start together on the two workers, then go in lockstep (the fixture's
  // `step`). In run order the third branch's first node comes before their later nodes; without a
  // preference for the thread that holds a node's inputs, the freed thread would take it, and a's
  // and b's later nodes would land on whichever thread freed next. Both threads hold `events`,
  // which every branch's first node reads: that draws nothing.
  for (let round = 0; round < 2; round++) {
    const { outputs, readsOf, events } = await run(false, 'branches');
    for (const x of ['a', 'b']) {
      const evaluated = outputs[`evaluated_${x}`] as unknown as { threads: number[]; total: number };
      assert.equal(evaluated.total, 129, `branch ${x}`);
      const [features, ...rest] = evaluated.threads;
      assert.deepEqual(
        rest,
        [features, features, features],
        `round ${round}: branch ${x} stayed on one thread`,
      );
      assert.deepEqual(readsOf(`events_${x}`), [features], `events_${x} was read once, there`);
      assert.ok(
        !events.some((event) => event.type === 'copy' && event.dataset === `features_${x}` && event.to !== 0),
        `features_${x} never went to another worker`,
      );
    }
    assert.notEqual(
      (outputs['evaluated_a'] as unknown as { threads: number[] }).threads[0],
      (outputs['evaluated_b'] as unknown as { threads: number[] }).threads[0],
    );
    assert.equal((outputs['evaluated_c'] as unknown as { total: number }).total, 129);
  }
});

for (const [lanes, mainThreadLane, runnerOptions] of [
  ['two worker threads', false, {}],
  ['the main thread and a worker thread', true, {}],
  ['one lane, so the run goes serial in the main thread', false, { maxWorkers: 1 }],
] as const) {
  test(`parallel, ${lanes}: the thread that saved a cached dataset hands its reader the saved rows`, async () => {
    const { outputs, readsOf } = await run(mainThreadLane, 'cached', runnerOptions);
    const read = outputs['read_summary']!;
    const maker = (outputs['make_summary'] as unknown as { thread: number }).thread;
    assert.equal(read.total, 12);
    if (!mainThreadLane)
      assert.equal(read.thread, maker, 'the reader goes to the thread that keeps the saved rows');
    if (read.thread === maker) {
      assert.deepEqual(readsOf('made'), [], 'the file was not read back');
      assert.equal(read.frozen, true);
    } else {
      // In another thread, the reader reads the file as without `cached`.
      assert.deepEqual(readsOf('made'), [read.thread]);
    }
  });
}
