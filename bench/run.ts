/**
 * Run benchmarks (`npm run build && npm run bench:run`). They measure the compiled package
 * (dist/), as users run it: under tsx every closure also pays for esbuild's name-keeping helper.
 * 1. Framework overhead per node: chains of no-op nodes on memory datasets, 1k and 10k nodes,
 *    with 0 and 10 no-op plugins implementing every node and dataset hook (sequential runner,
 *    in process, through `runPipeline` as a session does). Microseconds per node.
 * 2. Parallel speedup on CPU-bound nodes: 8 independent nodes computing for ~200 ms (and ~1 s)
 *    each, the same project run by the compiled CLI with `--runner sequential` and `--runner parallel`.
 * 3. Async runner speedup on nodes waiting on I/O: 16 nodes each fetching from a local HTTP
 *    server that answers after 50 ms, sequential vs async runner.
 * Prints a table per part and a final JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join, resolve } from 'node:path';
import {
  AsyncRunner,
  createHookManager,
  defaultRunParams,
  DataCatalog,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
  type RunParams,
  type Runner,
  type SluicePlugin,
  trackingPlugin,
} from '../dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const results: Record<string, number> = {};

/** The 1-minute load average, printed beside every figure: a busy machine skews them. */
function load(): string {
  return loadavg()[0]!.toFixed(2);
}

function runParams(runner: string): RunParams {
  return defaultRunParams({ runId: 'bench', projectPath: ROOT, runner });
}

// ----- 1. overhead per node -----
let sink = 0;
function noopPlugin(index: number): SluicePlugin {
  const touch = (value: unknown) => {
    if (value === sink) sink++;
  };
  return {
    name: `noop-${index}`,
    onNodeStart: ({ node }) => touch(node),
    onNodeEnd: ({ node }) => touch(node),
    beforeNodeRun: ({ node }) => touch(node),
    afterNodeRun: ({ node }) => touch(node),
    onNodeError: ({ node }) => touch(node),
    beforeDatasetLoaded: ({ datasetName }) => touch(datasetName),
    afterDatasetLoaded: ({ datasetName }) => touch(datasetName),
    beforeDatasetSaved: ({ datasetName }) => touch(datasetName),
    afterDatasetSaved: ({ datasetName }) => touch(datasetName),
  };
}

function chain(length: number): Pipeline {
  const nodes = [];
  for (let i = 0; i < length; i++)
    nodes.push(node((value: number) => value + 1, `d${i}`, `d${i + 1}`, { name: `n${i}` }));
  return new Pipeline(nodes);
}

/** A run store for the tracking rows, in its own temporary folder. */
const trackingStore = join(mkdtempSync(join(tmpdir(), 'sluice-bench-tracking-')), 'runs.db');
let trackedRuns = 0;

async function overhead(length: number, plugins: number, tracking = false): Promise<number> {
  return (await timedOverhead(length, plugins, tracking)).wall;
}

/**
 * Best-of-5 cost per node, in µs: wall clock, and CPU time of this process (user + system), which
 * a busy machine inflates far less than the wall clock (nobody else's work is counted in it).
 */
async function timedOverhead(
  length: number,
  plugins: number,
  tracking: boolean,
): Promise<{ wall: number; cpu: number }> {
  const pipeline = chain(length);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let round = 0; round < 5; round++) {
    const hooks = createHookManager();
    for (let i = 0; i < plugins; i++) hooks.register(noopPlugin(i));
    if (tracking) hooks.register(trackingPlugin({ path: trackingStore }));
    const catalog = new DataCatalog().feed({ d0: 0 });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await runPipeline({
      pipeline,
      catalog,
      hooks,
      runner: new SequentialRunner(),
      runParams: tracking
        ? defaultRunParams({
            runId: `bench-tracked-${trackedRuns++}`,
            projectPath: ROOT,
            runner: 'sequential',
          })
        : runParams('sequential'),
      options: {},
    });
    best = Math.min(best, performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  return { wall: (best * 1000) / length, cpu: (bestCpu * 1000) / length };
}

console.log(
  `Sluice run benchmarks, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
);
console.log(
  '\n1. framework overhead per node (best of 5 runs, sequential runner, memory datasets; each plugin implements every node and dataset hook)',
);
console.log('nodes    plugins  µs/node  load');
for (const length of [1_000, 10_000]) {
  for (const plugins of [0, 10]) {
    const micros = await overhead(length, plugins);
    results[`overhead_${length}_${plugins}_us`] = Number(micros.toFixed(2));
    console.log(
      `${String(length).padEnd(8)} ${String(plugins).padEnd(8)} ${micros.toFixed(2).padStart(7)}  ${load()}`,
    );
  }
}

console.log(
  '\n1b. the tracking plugin on (run store in a temporary file; every node, load and save recorded), best of 5, 10k-node chain',
);
console.log('nodes    tracking  wall µs/node  added  cpu µs/node  added  load');
{
  const off = await timedOverhead(10_000, 0, false);
  const on = await timedOverhead(10_000, 0, true);
  results.tracking_off_10000_us = Number(off.wall.toFixed(2));
  results.tracking_on_10000_us = Number(on.wall.toFixed(2));
  results.tracking_added_us = Number((on.wall - off.wall).toFixed(2));
  results.tracking_off_10000_cpu_us = Number(off.cpu.toFixed(2));
  results.tracking_on_10000_cpu_us = Number(on.cpu.toFixed(2));
  results.tracking_added_cpu_us = Number((on.cpu - off.cpu).toFixed(2));
  const row = (label: string, figures: { wall: number; cpu: number }, added: string, addedCpu: string) =>
    console.log(
      `10000    ${label.padEnd(8)}  ${figures.wall.toFixed(2).padStart(12)}  ${added.padStart(5)}  ${figures.cpu.toFixed(2).padStart(11)}  ${addedCpu.padStart(5)}  ${load()}`,
    );
  row('off', off, '', '');
  row('on', on, (on.wall - off.wall).toFixed(2), (on.cpu - off.cpu).toFixed(2));
  rmSync(join(trackingStore, '..'), { recursive: true, force: true });
}

// ----- 2. parallel speedup -----
function writeProject(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'sluice'));
}

const work = mkdtempSync(join(tmpdir(), 'sluice-bench-run-'));
const cpuProject = join(work, 'cpu');
writeProject(cpuProject, {
  'package.json': JSON.stringify({ name: 'bench-cpu', type: 'module' }),
  'conf/base/catalog.yml': '{}\n',
  'sluice.config.ts': `import { defineConfig, node, Pipeline } from 'sluice';
/**
 * CPU work in plain JavaScript (an integer mixing loop), no sleeping. Not node:crypto: OpenSSL
 * takes a process-wide lock on every createHash, which serialises threads and would measure
 * OpenSSL rather than the runner.
 */
function hashFor(label: string) {
  const rounds = Number(process.env.HASH_ROUNDS ?? 1e8);
  return (seed: number) => {
    let x = seed ^ label.length;
    for (let i = 0; i < rounds; i++) {
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
      x = Math.imul(x ^ (x >>> 12), 0x297a2d39) ^ i;
    }
    return (x >>> 0).toString(16);
  };
}
const nodes = Array.from({ length: 8 }, (_, i) => node(hashFor('n' + i), 'params:seed', 'h' + i, { name: 'hash' + i }));
export default defineConfig({ pipelines: { __default__: new Pipeline(nodes) } });
`,
  'conf/base/parameters.yml': 'seed: 7\n',
});

function timeCli(project: string, args: string[], env: Record<string, string> = {}): number {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'sluice.js'), 'run', '--progress', 'off', ...args],
    {
      cwd: project,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`sluice run ${args.join(' ')} failed:\n${result.stderr}`);
  return performance.now() - started;
}

// Calibrate the hashing so one node takes about 200 ms here, then measure 200 ms and 1 s nodes:
// the longer the nodes, the less the workers' start-up (loading the project) weighs.
const probeStarted = performance.now();
execFileSync(process.execPath, [
  '-e',
  `let x=7;for(let i=0;i<2e8;i++){x=Math.imul(x^(x>>>15),0x2c1b3c6d);x=Math.imul(x^(x>>>12),0x297a2d39)^i}if(x===1)console.log(x)`,
]);
const roundsPerMs = 2e8 / Math.max(1, performance.now() - probeStarted - 40);
timeCli(cpuProject, ['--runner', 'sequential'], { HASH_ROUNDS: '1' }); // compile and cache the project once
const best = (fn: () => number) => Math.min(fn(), fn(), fn());
// The ceiling: the same loop on two bare worker threads against one. On a VM whose cores are
// shared, this is well under 2x, and no runner can beat it.
const ceiling = await threadCeiling(Math.round(roundsPerMs * 1000));
results.two_thread_ceiling = Number(ceiling.toFixed(2));
console.log(
  `\n2. parallel runner: two bare worker threads do ${ceiling.toFixed(2)}x the work of one here (the ceiling)`,
);
for (const nodeMs of [200, 1000]) {
  const hashEnv = { HASH_ROUNDS: String(Math.round(roundsPerMs * nodeMs)) };
  const sequentialMs = best(() => timeCli(cpuProject, ['--runner', 'sequential'], hashEnv));
  const parallelMs = best(() => timeCli(cpuProject, ['--runner', 'parallel'], hashEnv));
  results[`parallel_${nodeMs}ms_sequential_ms`] = Math.round(sequentialMs);
  results[`parallel_${nodeMs}ms_parallel_ms`] = Math.round(parallelMs);
  results[`parallel_${nodeMs}ms_speedup`] = Number((sequentialMs / parallelMs).toFixed(2));
  console.log(`   8 CPU-bound nodes of ~${nodeMs} ms (integer mixing loops), whole CLI run, best of 3`);
  console.log(
    `sequential ${sequentialMs.toFixed(0)} ms, parallel ${parallelMs.toFixed(0)} ms: speedup ${(sequentialMs / parallelMs).toFixed(2)}x on ${cpus().length} cores (load ${load()})`,
  );
}

async function threadCeiling(rounds: number): Promise<number> {
  const code = `let x=7;for(let i=0;i<${rounds};i++){x=Math.imul(x^(x>>>15),0x2c1b3c6d);x=Math.imul(x^(x>>>12),0x297a2d39)^i}require('node:worker_threads').parentPort.postMessage(x)`;
  const once = () =>
    new Promise<void>((done) => {
      const worker = new Worker(code, { eval: true });
      worker.once('message', () => void worker.terminate().then(() => done()));
    });
  let started = performance.now();
  await once();
  const single = performance.now() - started;
  started = performance.now();
  await Promise.all([once(), once()]);
  const double = performance.now() - started;
  return (2 * single) / double;
}

// ----- 3. async speedup on I/O -----
const server = createServer((_request, response) => {
  setTimeout(() => response.end(JSON.stringify({ ok: true })), 50);
});
await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
const port = (server.address() as { port: number }).port;
const ioNodes = Array.from({ length: 16 }, (_, i) =>
  node(
    async () => (await (await fetch(`http://127.0.0.1:${port}/item/${i}`)).json()) as unknown,
    null,
    `r${i}`,
    { name: `fetch${i}` },
  ),
);
const ioPipeline = new Pipeline(ioNodes);
async function timeRunner(runner: Runner): Promise<number> {
  let bestMs = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    await runPipeline({
      pipeline: ioPipeline,
      catalog: new DataCatalog(),
      hooks: createHookManager(),
      runner,
      runParams: runParams(runner.name),
      options: {},
    });
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  return bestMs;
}
const ioSequential = await timeRunner(new SequentialRunner());
const ioAsync = await timeRunner(new AsyncRunner({ concurrency: 8 }));
server.close();
results.async_sequential_ms = Math.round(ioSequential);
results.async_async_ms = Math.round(ioAsync);
results.async_speedup = Number((ioSequential / ioAsync).toFixed(2));
console.log(
  '\n3. async runner, 16 nodes each fetching from a local HTTP server that answers in 50 ms, best of 3',
);
console.log(
  `sequential ${ioSequential.toFixed(0)} ms, async (concurrency 8) ${ioAsync.toFixed(0)} ms: speedup ${(ioSequential / ioAsync).toFixed(2)}x (load ${load()})`,
);

rmSync(work, { recursive: true, force: true });
if (sink < 0) console.log(sink);
console.log(JSON.stringify(results));
