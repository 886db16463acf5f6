/**
 * Run benchmarks (`npm run build && npm run bench:run`). They measure the compiled package
 * (dist/), as users run it: under tsx every closure also pays for esbuild's name-keeping helper.
 * 1. Framework overhead per node: chains of no-op nodes on memory datasets, 1k and 10k nodes,
 *    with 0 and 10 no-op plugins implementing every node and dataset hook (sequential runner,
 *    in process, through `runPipeline` as a session does). Microseconds per node.
 * 2. Parallel speedup on CPU-bound nodes: 8 independent nodes hashing for ~200 ms each, the same
 *    project run by the compiled CLI with `--runner sequential` and `--runner parallel`.
 * 3. Async runner speedup on nodes waiting on I/O: 16 nodes each fetching from a local HTTP
 *    server that answers after 50 ms, sequential vs async runner.
 * Prints a table per part and a final JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AsyncRunner,
  createHookManager,
  DataCatalog,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
  type RunParams,
  type Runner,
  type SluicePlugin,
} from '../dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const results: Record<string, number> = {};

function runParams(runner: string): RunParams {
  return {
    runId: 'bench',
    projectPath: ROOT,
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
    runner,
    isAsync: false,
    loadVersions: {},
    runtimeParams: {},
    onlyMissingOutputs: false,
    continueOnFailure: false,
    sluiceVersion: 'bench',
  };
}

// ----- 1. overhead per node -----
let sink = 0;
function noopPlugin(index: number): SluicePlugin {
  const touch = (value: unknown) => {
    if (value === sink) sink++;
  };
  return {
    name: `noop-${index}`,
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

async function overhead(length: number, plugins: number): Promise<number> {
  const pipeline = chain(length);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const hooks = createHookManager();
    for (let i = 0; i < plugins; i++) hooks.register(noopPlugin(i));
    const catalog = new DataCatalog().feed({ d0: 0 });
    const started = performance.now();
    await runPipeline({
      pipeline,
      catalog,
      hooks,
      runner: new SequentialRunner(),
      runParams: runParams('sequential'),
      options: {},
    });
    best = Math.min(best, performance.now() - started);
  }
  return (best * 1000) / length;
}

console.log(
  `Sluice run benchmarks, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`,
);
console.log('\n1. framework overhead per node (best of 5 runs, sequential runner, memory datasets)');
console.log('nodes    plugins  µs/node');
for (const length of [1_000, 10_000]) {
  for (const plugins of [0, 10]) {
    const micros = await overhead(length, plugins);
    results[`overhead_${length}_${plugins}_us`] = Number(micros.toFixed(2));
    console.log(`${String(length).padEnd(8)} ${String(plugins).padEnd(8)} ${micros.toFixed(2).padStart(7)}`);
  }
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
import { createHash } from 'node:crypto';
/** About 200 ms of SHA-256 on this machine class: real CPU work, no sleeping. */
function hashFor(label: string) {
  return (seed: number) => {
    let digest = Buffer.from(label + seed);
    for (let i = 0; i < Number(process.env.HASH_ROUNDS ?? 400000); i++) digest = createHash('sha256').update(digest).digest();
    return digest.toString('hex').slice(0, 8);
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

// Calibrate the hashing so one node takes about 200 ms here.
const probeStarted = performance.now();
execFileSync(process.execPath, [
  '-e',
  `const {createHash}=require('crypto');let d=Buffer.from('x');for(let i=0;i<100000;i++)d=createHash('sha256').update(d).digest();`,
]);
const roundsFor200ms = Math.round((100000 * 200) / Math.max(1, performance.now() - probeStarted - 40));
const hashEnv = { HASH_ROUNDS: String(roundsFor200ms) };
timeCli(cpuProject, ['--runner', 'sequential'], hashEnv); // compile and cache the project once
const best = (fn: () => number) => Math.min(fn(), fn(), fn());
const sequentialMs = best(() => timeCli(cpuProject, ['--runner', 'sequential'], hashEnv));
const parallelMs = best(() => timeCli(cpuProject, ['--runner', 'parallel'], hashEnv));
results.parallel_sequential_ms = Math.round(sequentialMs);
results.parallel_parallel_ms = Math.round(parallelMs);
results.parallel_speedup = Number((sequentialMs / parallelMs).toFixed(2));
console.log(
  `\n2. parallel runner, 8 CPU-bound nodes of ~200 ms (${roundsFor200ms} SHA-256 rounds each), whole CLI run, best of 3`,
);
console.log(
  `sequential ${sequentialMs.toFixed(0)} ms, parallel ${parallelMs.toFixed(0)} ms: speedup ${(sequentialMs / parallelMs).toFixed(2)}x on ${cpus().length} cores`,
);

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
  `sequential ${ioSequential.toFixed(0)} ms, async (concurrency 8) ${ioAsync.toFixed(0)} ms: speedup ${(ioSequential / ioAsync).toFixed(2)}x`,
);

rmSync(work, { recursive: true, force: true });
if (sink < 0) console.log(sink);
console.log(JSON.stringify(results));
