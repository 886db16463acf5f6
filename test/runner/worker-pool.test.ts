/**
 * The parallel runner's worker pool on real worker threads (the `faults` fixture project): it
 * hands out idle threads, forgets dead ones (idle or mid-node) and replaces them only when a
 * node needs one, and fails clearly with ParallelRunnerError when no thread is left.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createHookManager, ParallelRunnerError } from '../../src/index.ts';
import { NodeNotStartedError } from '../../src/runner/parallel/errors.ts';
import type { WorkerSetup } from '../../src/runner/parallel/messages.ts';
import { WorkerHandle } from '../../src/runner/parallel/worker-handle.ts';
import type { PoolMember } from '../../src/runner/parallel/worker-pool.ts';
import { WorkerPool } from '../../src/runner/parallel/worker-pool.ts';
import { crashes } from '../fixtures/projects/faults/src/pipelines.ts';
import { withEnv } from '../session/support.ts';

const FAULTS = fileURLToPath(new URL('../fixtures/projects/faults/', import.meta.url));

const setup: WorkerSetup = {
  project: {
    projectPath: FAULTS,
    env: 'local',
    confSource: 'conf',
    runtimeParams: {},
    pipelineName: 'crash',
    loadVersions: {},
  },
  runId: 'pool-test',
  saveVersion: 'pool-test',
  isAsync: false,
  relay: false,
};

/** Starts real worker threads that load the faults project; counts how many were started. */
function starter() {
  const started: WorkerHandle[] = [];
  let failed!: (error: unknown) => void;
  /** Settles when a start fails, with its error. */
  const firstFailure = new Promise<unknown>((resolve) => (failed = resolve));
  const start = async () => {
    try {
      const handle = await WorkerHandle.start(setup, undefined, createHookManager());
      started.push(handle);
      return handle;
    } catch (error) {
      failed(error);
      throw error;
    }
  };
  return { start, started, firstFailure };
}

const GRACE_MS = 5000;
const independent = crashes.getNode('independent');
const crash = crashes.getNode('crash');

test('acquire hands out idle threads, waits while all are busy, and release hands one back', async () => {
  const { start, started } = starter();
  const pool = await WorkerPool.open(2, start, GRACE_MS);
  try {
    const first = await pool.acquire();
    const second = await pool.acquire();
    assert.notEqual(first, second);
    const events: string[] = [];
    const third = pool.acquire().then((handle) => {
      events.push('acquired');
      return handle;
    });
    await new Promise((resolve) => setImmediate(resolve));
    events.push('released');
    pool.release(second);
    assert.equal(await third, second, 'the released thread is handed out again');
    assert.deepEqual(events, ['released', 'acquired']);
    assert.equal(started.length, 2, 'no thread started beyond the pool size');
  } finally {
    await pool.close(GRACE_MS);
  }
  assert.ok(
    started.every((handle) => !handle.alive),
    'close stops every thread',
  );
});

test('a thread that dies while idle leaves the pool; the next acquire starts a replacement that runs nodes', async () => {
  const { start, started } = starter();
  const pool = await WorkerPool.open(1, start, GRACE_MS);
  try {
    const [original] = started;
    const exited = new Promise<void>((resolve) => original!.onExit(resolve));
    await original!.terminate('by the test'); // a real thread death, between nodes
    await exited;
    assert.equal(pool.alive, 0);
    assert.equal(pool.died, 1);
    const replacement = await pool.acquire();
    assert.notEqual(replacement, original);
    assert.ok(replacement.alive);
    assert.equal(started.length, 2);
    const { outputs } = await replacement.run(independent, {});
    assert.deepEqual(outputs, { other: 'independent of the crash (3)' });
    pool.release(replacement);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('a thread that dies mid-node fails that node with ParallelRunnerError and is never handed out again', async () => {
  const { start, started } = starter();
  const pool = await WorkerPool.open(1, start, GRACE_MS);
  try {
    const handle = await pool.acquire();
    await assert.rejects(handle.run(crash, {}), {
      name: 'ParallelRunnerError',
      message: 'A worker thread exited (code 3) while running node "crash".',
    });
    pool.release(handle); // what the runner does after any node: a dead thread is ignored
    assert.equal(handle.alive, false);
    const next = await pool.acquire();
    assert.notEqual(next, handle);
    assert.equal(started.length, 2);
    await assert.rejects(
      handle.run(independent, {}),
      NodeNotStartedError,
      'a dead thread never takes a node',
    );
    pool.release(next);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('when no thread is left and none can start, acquire rejects with ParallelRunnerError instead of waiting', async () => {
  const { start } = starter();
  const pool = await WorkerPool.open(1, start, GRACE_MS);
  try {
    const handle = await pool.acquire();
    await assert.rejects(handle.run(crash, {}), ParallelRunnerError);
    pool.release(handle);
    // The replacement crashes while loading the project.
    await withEnv({ SLUICE_FAULTS_EXIT_AT_START: '1' }, async () => {
      const error = await pool.acquire().then(
        () => assert.fail('acquire should reject'),
        (thrown: unknown) => thrown as Error,
      );
      assert.ok(error instanceof ParallelRunnerError);
      assert.equal(
        error.message,
        "No worker thread is left to run nodes: 1 of the parallel runner's threads died and a new one could not start (A worker thread exited (code 5) while loading the project.).",
      );
    });
    // No further replacement is tried: later acquires fail at once with the same clear error.
    await assert.rejects(pool.acquire(), /No worker thread is left/);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('with one thread left and replacements failing, acquire waits for the living thread', async () => {
  const { start, firstFailure } = starter();
  const pool = await WorkerPool.open(2, start, GRACE_MS);
  try {
    const doomed = await pool.acquire();
    const living = await pool.acquire();
    await assert.rejects(doomed.run(crash, {}), ParallelRunnerError);
    pool.release(doomed);
    const { pending, failure } = await withEnv({ SLUICE_FAULTS_EXIT_AT_START: '1' }, async () => {
      let acquired = false;
      const pending = pool.acquire().then((handle) => {
        acquired = true;
        return handle;
      });
      const failure = await firstFailure; // the replacement died while loading the project
      assert.equal(acquired, false, 'acquire is still waiting, not failed: a thread is alive');
      return { pending, failure };
    });
    assert.match(String(failure), /exited \(code 5\) while loading the project/);
    pool.release(living);
    assert.equal(await pending, living);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('open fails with the start-up error when a thread dies while loading the project, and stops the others', async () => {
  await withEnv({ SLUICE_FAULTS_EXIT_AT_START: '1' }, async () => {
    const { start } = starter();
    await assert.rejects(WorkerPool.open(2, start, GRACE_MS), {
      name: 'ParallelRunnerError',
      message: 'A worker thread exited (code 5) while loading the project.',
    });
  });
});

test('begin returns before the threads are ready; acquire waits for the first one, opened for all', async () => {
  const { start, started } = starter();
  const pool = WorkerPool.begin(2, start);
  try {
    assert.equal(pool.alive, 0, 'nothing is ready yet when begin returns');
    assert.equal(pool.starting, 2);
    const first = await pool.acquire();
    assert.ok(first.alive);
    await pool.opened;
    assert.equal(pool.alive, 2);
    assert.equal(pool.starting, 0);
    assert.equal(started.length, 2);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('acquire(preferred, only) waits for that thread even while another is idle; without only it takes the other', async () => {
  const { start } = starter();
  const pool = WorkerPool.begin(2, start);
  try {
    await pool.opened;
    const held = await pool.acquire();
    const bound = pool.acquire(held, true);
    const events: string[] = [];
    void bound.then(() => events.push('bound acquired'));
    const other = await pool.acquire(held, false);
    assert.notEqual(other, held, 'not bound: the idle thread');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, [], 'the bound waiter still waits for its thread');
    pool.release(other);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(events, [], 'another thread freed is not the one asked for');
    pool.release(held);
    assert.equal(await bound, held);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('begin: a thread that dies while loading the project rejects every waiter with its error', async () => {
  await withEnv({ SLUICE_FAULTS_EXIT_AT_START: '1' }, async () => {
    const { start } = starter();
    const pool = WorkerPool.begin(2, start);
    const heard = new Promise<Error>((resolve) => pool.onOpenFailure(resolve));
    try {
      const expected = {
        name: 'ParallelRunnerError',
        message: 'A worker thread exited (code 5) while loading the project.',
      };
      await assert.rejects(pool.acquire(), expected);
      assert.equal((await heard).message, expected.message);
      await pool.opened;
      await assert.rejects(pool.acquire(), expected, 'later waiters too');
    } finally {
      await pool.close(GRACE_MS);
    }
  });
});

test('close waits for a thread still loading the project, then stops it, before it resolves', async () => {
  const events: string[] = [];
  let releaseStart!: () => void;
  const gate = new Promise<void>((resolve) => (releaseStart = resolve));
  const member = (name: string) => ({
    alive: true,
    onExit: () => {},
    stop: async () => void events.push(`${name} stopped`),
    terminate: async () => {},
  });
  let starts = 0;
  const pool = WorkerPool.begin(2, async () => {
    const name = `thread ${++starts}`;
    if (name === 'thread 2') await gate;
    events.push(`${name} ready`);
    return member(name);
  });
  await pool.acquire();
  const closed = pool.close(GRACE_MS).then(() => events.push('closed'));
  // The second thread is still loading: close must not have finished.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['thread 1 ready', 'thread 1 stopped']);
  releaseStart();
  await closed;
  assert.deepEqual(events, [
    'thread 1 ready',
    'thread 1 stopped',
    'thread 2 ready',
    'thread 2 stopped',
    'closed',
  ]);
});

test('close tells a thread still loading the project to stop, and waits for it to settle', async () => {
  const events: string[] = [];
  let starts = 0;
  const pool = WorkerPool.begin(2, (signal) => {
    const name = `thread ${++starts}`;
    if (name === 'thread 1')
      return Promise.resolve({
        alive: true,
        onExit: () => {},
        stop: async () => void events.push(`${name} stopped`),
        terminate: async () => {},
      });
    // Thread 2 loads until told to stop, as a worker thread whose start is terminated.
    return new Promise<PoolMember>((_, reject) =>
      signal.addEventListener('abort', () => {
        events.push(`${name} told to stop`);
        reject(new Error('terminated while loading'));
      }),
    );
  });
  await pool.acquire();
  await pool.close(GRACE_MS);
  events.push('closed');
  // Told first (closing aborts the starts), then the ready thread is stopped; close settles last.
  assert.deepEqual(events, ['thread 2 told to stop', 'thread 1 stopped', 'closed']);
});

test('begin with fewer initial threads: another starts only when a waiter finds none idle or starting, up to size', async () => {
  const { start, started } = starter();
  const pool = WorkerPool.begin(3, start, 1);
  try {
    assert.equal(pool.starting, 1, 'one thread at first');
    const first = await pool.acquire();
    pool.release(first);
    assert.equal(await pool.acquire(), first, 'an idle thread is reused: nothing new starts');
    assert.equal(pool.starting, 0);
    const second = pool.acquire();
    assert.equal(pool.starting, 1, 'a waiter with every thread busy starts one more');
    const secondThread = await second;
    assert.notEqual(secondThread, first);
    pool.resize(2);
    const third = pool.acquire();
    assert.equal(pool.starting, 0, 'not past the size');
    pool.release(first);
    assert.equal(await third, first);
    await pool.opened;
    assert.equal(started.length, 2);
  } finally {
    await pool.close(GRACE_MS);
  }
});

test('begin with no initial thread: a failure of the first thread started on demand fails the pool', async () => {
  await withEnv({ SLUICE_FAULTS_EXIT_AT_START: '1' }, async () => {
    const { start } = starter();
    const pool = WorkerPool.begin(2, start, 0);
    try {
      assert.equal(pool.starting, 0);
      await assert.rejects(pool.acquire(), {
        name: 'ParallelRunnerError',
        message: 'A worker thread exited (code 5) while loading the project.',
      });
    } finally {
      await pool.close(GRACE_MS);
    }
  });
});

test('acquire with an aborted signal withdraws the waiter: it is rejected and the thread started for it is handed to the next caller', async () => {
  const { start, started } = starter();
  const pool = WorkerPool.begin(1, start, 0);
  try {
    const withdraw = new AbortController();
    const withdrawn = pool.acquire(undefined, false, withdraw.signal);
    assert.equal(pool.starting, 1, 'the waiter started a thread');
    withdraw.abort();
    await assert.rejects(withdrawn, { name: 'ParallelRunnerError', message: /withdrawn/ });
    const next = await pool.acquire();
    assert.equal(started.length, 1, 'no second thread');
    assert.equal(next, started[0]);
    await assert.rejects(pool.acquire(undefined, false, withdraw.signal), { name: 'ParallelRunnerError' });
  } finally {
    await pool.close(GRACE_MS);
  }
});
