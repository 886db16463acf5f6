/**
 * The distributed runner's fault test, with real processes on the real Redis at 127.0.0.1:6379
 * (skipped loudly without one; a failure under SLUICE_REQUIRE_SERVICES=1): three `sluice worker`
 * children run the 30-node `fault-dag` fixture while a killer SIGKILLs a worker that is in the
 * middle of a node, again and again, each time starting a replacement. The run must end as a
 * sequential run of the same project does: the same persisted contents, every node done, no lost
 * or duplicated output, and the pipeline hooks once each in the coordinator (this process).
 *
 * The killer's choices come from a seeded generator; the seed is printed, and FAULT_SEED=<seed>
 * replays the same choices (the moments still depend on the machine's timing).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DistributedRunner, SequentialRunner, Session } from '../../../src/index.ts';
import type { RunResult } from '../../../src/index.ts';
import { temporaryWriter } from '../../../src/io/orphaned-temporaries.ts';
import { SAFETY_NET_MS } from '../../support/safety-net.ts';
import { serviceOrSkip } from '../../support/services.ts';
import { readRecord, withEnv } from '../../session/support.ts';
import type { WorkerProcess } from './workers.ts';
import { startWorker, uniqueQueue } from './workers.ts';

const FAULT_DAG = fileURLToPath(new URL('../../fixtures/projects/fault-dag/', import.meta.url));
const WORKERS = 3;
const KILLS = 5;

/** A line of the fault-dag recorder. */
interface Line {
  hook: string;
  subject: string | null;
  pid: number;
  error?: string;
}

/** mulberry32: a tiny seeded generator, so that a failing sequence of choices can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function freshDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-fault-'));
  copyFileSync(join(FAULT_DAG, 'data', 'numbers.json'), join(dataDir, 'numbers.json'));
  return dataDir;
}

/** Every file under `folder`, by path relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => statSync(join(folder, path)).isFile())
    .sort();
}

/**
 * The run's persisted outputs by a path that names the version folder `<version>` (each run saves
 * under its own), with their contents; temporaries are left out (checked apart).
 */
function outputs(dataDir: string): Map<string, string> {
  const out = join(dataDir, 'out');
  const contents = new Map<string, string>();
  for (const path of filesUnder(out)) {
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    const key = path.replace(/^summary\.json\/[^/]+\//, 'summary.json/<version>/');
    assert.ok(
      !contents.has(key),
      `one file per output: ${relative(dataDir, join(out, path))} is a second one`,
    );
    contents.set(key, readFileSync(join(out, path), 'utf8'));
  }
  return contents;
}

const started: WorkerProcess[] = [];
after(async () => {
  for (const worker of started) await worker.stop();
});

test(
  `${WORKERS} workers, ${KILLS} SIGKILLs mid-node on a 30-node DAG: the outputs of a sequential run, every node done, pipeline hooks once`,
  { timeout: SAFETY_NET_MS },
  async (t) => {
    if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
    const seed = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
    process.stdout.write(`# fault test seed: ${seed} (replay with FAULT_SEED=${seed})\n`);
    const random = seededRandom(seed);

    // The reference: the same project run sequentially in this process, on its own data folder.
    const sequentialDir = freshDataDir();
    const sequential = await withEnv({ SLUICE_TEST_RECORD: undefined }, async () => {
      const session = await Session.create({
        projectPath: FAULT_DAG,
        runtimeParams: { data_dir: sequentialDir },
        log: () => {},
      });
      return session.run({ runner: new SequentialRunner() });
    });
    const allNodes = [...sequential.completedNodes].sort();
    assert.equal(allNodes.length, 30);

    const dataDir = freshDataDir();
    const recordFile = join(dataDir, 'record.jsonl');
    const queue = uniqueQueue('fault');
    const env = { SLUICE_TEST_RECORD: recordFile };
    const live = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(FAULT_DAG, queue, env)));
    started.push(...live);
    const session = await Session.create({
      projectPath: FAULT_DAG,
      runtimeParams: { data_dir: dataDir },
      log: () => {},
    });
    let finished = false;
    const run = withEnv(env, () =>
      session.run({ runner: new DistributedRunner({ queue, waitForWorkersMs: SAFETY_NET_MS }) }),
    )
      .then(
        (result): { result?: RunResult; error?: Error } => ({ result }),
        (error: unknown): { result?: RunResult; error?: Error } => ({ error: error as Error }),
      )
      .finally(() => (finished = true));

    /** The nodes `pid` started (its onNodeStart is recorded) and hasn't ended. */
    const openNodes = (lines: Line[], pid: number): string[] => {
      const open = new Map<string, number>();
      for (const line of lines) {
        if (line.pid !== pid || line.subject === null) continue;
        if (line.hook === 'onNodeStart') open.set(line.subject, (open.get(line.subject) ?? 0) + 1);
        if (line.hook === 'onNodeEnd') open.set(line.subject, (open.get(line.subject) ?? 0) - 1);
      }
      return [...open].filter(([, count]) => count > 0).map(([name]) => name);
    };

    const killed: { pid: number; node: string }[] = [];
    const replacements: Promise<void>[] = [];
    while (killed.length < KILLS && !finished) {
      // Wait for the record to show a worker mid-node, then pick one of them at random.
      const busy = live
        .map((worker) => ({ worker, nodes: openNodes(readRecord<Line>(recordFile), worker.pid) }))
        .filter(({ nodes }) => nodes.length > 0);
      if (busy.length === 0) {
        await sleep(20);
        continue;
      }
      const { worker: victim } = busy[Math.floor(random() * busy.length)]!;
      // A random moment inside the node (they await about 300 ms): still mid-node is checked again.
      await sleep(Math.floor(random() * 150));
      const stillOpen = openNodes(readRecord<Line>(recordFile), victim.pid);
      if (stillOpen.length === 0) continue;
      victim.child.kill('SIGKILL');
      assert.equal(await victim.stop(), null, 'killed, not exited');
      killed.push({ pid: victim.pid, node: stillOpen.join('+') });
      live.splice(live.indexOf(victim), 1);
      // The replacement joins once ready; meanwhile the next kill may land on the others, so that
      // on a loaded machine (where a worker starts slowly) the run doesn't end before the kills do.
      replacements.push(
        startWorker(FAULT_DAG, queue, env).then((replacement) => {
          started.push(replacement);
          live.push(replacement);
        }),
      );
    }
    const outcome = await run;
    await Promise.all(replacements);
    process.stdout.write(
      `# killed mid-node: ${killed.map(({ pid, node }) => `${pid} (${node})`).join(', ')}\n`,
    );
    assert.equal(outcome.error, undefined, `the run failed: ${outcome.error?.stack}`);
    assert.equal(killed.length, KILLS, `only ${killed.length} kills landed before the run ended`);
    const result = outcome.result!;
    assert.deepEqual([...result.completedNodes].sort(), allNodes, 'every node done');

    const lines = readRecord<Line>(recordFile);
    assert.deepEqual(
      lines.filter((line) => /Pipeline/.test(line.hook)).map((line) => `${line.hook} ${line.pid}`),
      [`beforePipelineRun ${process.pid}`, `afterPipelineRun ${process.pid}`],
      'the pipeline hooks once each, in the coordinator',
    );
    const ends = lines.filter((line) => line.hook === 'onNodeEnd');
    assert.deepEqual(
      ends.filter((line) => line.error !== undefined),
      [],
      'no node ended in error',
    );
    assert.deepEqual([...new Set(ends.map((line) => line.subject))].sort(), allNodes, 'every node ended');
    for (const { pid, node } of killed)
      for (const name of node.split('+'))
        assert.ok(
          lines.some((line) => line.hook === 'onNodeStart' && line.subject === name && line.pid !== pid),
          `node ${name}, lost with worker ${pid}, ran again on another worker`,
        );

    // The same outputs, with the same contents, as the sequential run: nothing lost, nothing extra,
    // one version of the versioned summary.
    const expected = outputs(sequentialDir);
    const actual = outputs(dataDir);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
    for (const [path, contents] of expected) assert.equal(actual.get(path), contents, `contents of ${path}`);
    // A kill may land mid-save: its temporary is left beside the output (the next save in that
    // folder removes it). Any temporary left must be such an orphan of a killed worker.
    const killedPids = new Set(killed.map(({ pid }) => pid));
    for (const path of filesUnder(join(dataDir, 'out'))) {
      const temporary = path.split('/').find((part) => part.startsWith('.'));
      if (temporary === undefined) continue;
      const writer = temporaryWriter(temporary);
      assert.ok(
        writer !== undefined && killedPids.has(writer.pid),
        `${path} is left over, and not by a killed worker`,
      );
    }
  },
);

test(
  'a worker killed after saving a versioned output but before its job ended: the rerun saves that version again instead of failing',
  { timeout: SAFETY_NET_MS },
  async (t) => {
    if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;
    const sequentialDir = freshDataDir();
    await withEnv({ SLUICE_TEST_RECORD: undefined, FAULT_NODE_MS: '0' }, async () => {
      const session = await Session.create({
        projectPath: FAULT_DAG,
        runtimeParams: { data_dir: sequentialDir },
        log: () => {},
      });
      return session.run({ runner: new SequentialRunner() });
    });
    const dataDir = freshDataDir();
    const recordFile = join(dataDir, 'record.jsonl');
    const holdFile = join(dataDir, 'release');
    const queue = uniqueQueue('fault-version');
    const env = {
      SLUICE_TEST_RECORD: recordFile,
      FAULT_NODE_MS: '0',
      FAULT_HOLD_AFTER_SAVE: 'summary',
      FAULT_HOLD_FILE: holdFile,
    };
    const workers = await Promise.all([
      startWorker(FAULT_DAG, queue, env),
      startWorker(FAULT_DAG, queue, env),
    ]);
    started.push(...workers);
    const session = await Session.create({
      projectPath: FAULT_DAG,
      runtimeParams: { data_dir: dataDir },
      log: () => {},
    });
    const run = withEnv(env, () =>
      session.run({ runner: new DistributedRunner({ queue, waitForWorkersMs: SAFETY_NET_MS }) }),
    ).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    let saved: Line | undefined;
    while (
      (saved = readRecord<Line>(recordFile).find((line) => line.hook === 'afterDatasetSaved')) === undefined
    )
      await sleep(20);
    const holder = workers.find((worker) => worker.pid === saved!.pid)!;
    holder.child.kill('SIGKILL');
    assert.equal(await holder.stop(), null, 'killed, not exited');
    writeFileSync(holdFile, '');
    const error = await run;
    assert.equal(error, undefined, `the run failed: ${error?.message}`);
    const lines = readRecord<Line>(recordFile);
    assert.ok(
      lines.some(
        (line) => line.hook === 'onNodeEnd' && line.subject === 'summary' && line.pid !== holder.pid,
      ),
      'summary ran again on the other worker',
    );
    const expected = outputs(sequentialDir);
    const actual = outputs(dataDir);
    assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), 'one version of summary');
    for (const [path, contents] of expected) assert.equal(actual.get(path), contents, `contents of ${path}`);
  },
);
