/**
 * The spaceflights demo on the distributed runner, the way a user runs it: two `sluice worker`
 * processes started from the example folder on a queue of their own, then `sluice run --runner
 * distributed`. The run gives the same 6027-row model input table and the same R² as a sequential
 * run of the same checkout. Needs Redis on 127.0.0.1:6379 (skipped loudly without it, a failure
 * under SLUICE_REQUIRE_SERVICES=1).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigLoader, DataCatalog } from '../../src/index.ts';
import { uniqueQueue } from '../runner/distributed/workers.ts';
import { SAFETY_NET_MS } from '../support/safety-net.ts';
import { serviceOrSkip } from '../support/services.ts';
import { linkExampleDependencies } from '../cli/support.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(REPO, 'examples', 'spaceflights');
const SLUICE = join(REPO, 'bin', 'sluice.js');
/** The tutorial's data: 6027 shuttles with a review, a company and every feature filled in. */
const MODEL_INPUT_ROWS = 6027;
const R2_LINE = /R² on the test set: (-?\d+\.\d{3})/;

/** The user's environment: no test-runner context or loader flags leak into the commands. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

interface Worker {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
}

/**
 * `sluice worker --queue Q --concurrency 1` in the example folder, through the compiled CLI (the
 * example imports the built package, as the coordinator does), resolved once it printed its ready
 * line.
 */
async function startWorker(queue: string): Promise<Worker> {
  const child = spawn(process.execPath, [SLUICE, 'worker', '--queue', queue, '--concurrency', '1'], {
    cwd: EXAMPLE,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const worker: Worker = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
  workers.push(worker);
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (output.includes('sluice worker ready')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    void exited.then(([code]) =>
      reject(new Error(`sluice worker exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return worker;
}

const workers: Worker[] = [];

interface RunOutcome {
  stdout: string;
  stderr: string;
}

/** `sluice run --progress plain ...` in the example folder; asserts it exits 0. */
async function sluiceRun(...extraArgs: string[]): Promise<RunOutcome> {
  const child = spawn(process.execPath, [SLUICE, 'run', '--progress', 'plain', ...extraArgs], {
    cwd: EXAMPLE,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice run did not exit in ${SAFETY_NET_MS} ms (hung?):\n${stdout}\n${stderr}`));
    }, SAFETY_NET_MS);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  assert.equal(code, 0, `exit ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  return { stdout, stderr };
}

/** Lines like "preprocess_companies  ← companies  10019" from the row-count hook's table. */
function rowCounts(stderr: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of stderr.matchAll(/([←→]) (\S+) +(\d+)$/gm))
    counts.set(`${match[1]} ${match[2]}`, Number(match[3]));
  return counts;
}

async function loadFromCatalog(name: string): Promise<unknown> {
  const loader = new ConfigLoader({ projectPath: EXAMPLE });
  const catalog = await DataCatalog.fromConfig({
    catalogConfig: loader.get('catalog'),
    credentials: loader.get('credentials'),
    parameters: loader.get('parameters'),
    projectPath: EXAMPLE,
  });
  try {
    return await catalog.load(name);
  } finally {
    await catalog.release(name);
  }
}

before(() => {
  // What `npm run demo` does first, done only when missing so the test stays fast: the build.
  if (!existsSync(join(REPO, 'dist', 'cli', 'main.js')))
    execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
  // Its dependencies, linked from the repository's node_modules rather than installed (no
  // download, no npm in a test); `npm run demo` installs them.
  linkExampleDependencies(EXAMPLE);
});

after(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
});

test(
  'spaceflights on --runner distributed with two workers: the same 6027-row model input table and R² as a sequential run',
  { timeout: SAFETY_NET_MS },
  async (t) => {
    if (!(await serviceOrSkip(t, 'Redis', '127.0.0.1', 6379))) return;

    const sequential = await sluiceRun();
    const sequentialR2 = R2_LINE.exec(sequential.stdout);
    assert.ok(sequentialR2, `the sequential run prints the R²\n${sequential.stdout}`);
    const sequentialCounts = rowCounts(sequential.stderr);
    assert.equal(sequentialCounts.get('→ model_input_table'), MODEL_INPUT_ROWS);

    const queue = uniqueQueue('spaceflights');
    const [first, second] = await Promise.all([startWorker(queue), startWorker(queue)]);
    const run = await sluiceRun('--runner', 'distributed', '--queue', queue);
    const output = () =>
      `--- coordinator stderr\n${run.stderr}\n--- worker 1\n${first!.output()}\n--- worker 2\n${second!.output()}`;

    assert.match(run.stderr, /6 nodes: 6 done, 0 failed, 0 skipped/, output());
    // The row counts are relayed from the workers to the coordinator's `process: 'main'` hook.
    const counts = rowCounts(run.stderr);
    assert.equal(counts.get('→ model_input_table'), MODEL_INPUT_ROWS, output());
    assert.deepEqual(counts, sequentialCounts, output());

    // evaluate_model logs the R² in the process that runs it: exactly one of the two workers.
    const printed = [first!.output(), second!.output()]
      .map((text) => R2_LINE.exec(text))
      .filter((match) => match !== null);
    assert.equal(printed.length, 1, `one worker ran evaluate_model and printed the R²\n${output()}`);
    assert.equal(printed[0]![0], sequentialR2[0]);
    assert.equal(printed[0]![1], '0.328');

    // The table the workers wrote to the shared disk loads back through the catalog, whole.
    const table = (await loadFromCatalog('model_input_table')) as Record<string, unknown>[];
    assert.equal(table.length, MODEL_INPUT_ROWS);
    const metrics = JSON.parse(
      readFileSync(join(EXAMPLE, 'data', '08_reporting', 'metrics.json'), 'utf8'),
    ) as { r2: number };
    assert.equal(metrics.r2.toFixed(3), sequentialR2[1]);

    // Which worker took which node is BullMQ's business (one worker may legitimately take all
    // six), so the test does not assert a split; both workers stop cleanly after the run.
    assert.equal(await first!.stop(), 0, output());
    assert.equal(await second!.stop(), 0, output());
  },
);
