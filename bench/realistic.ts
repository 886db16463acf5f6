/**
 * Realistic benchmark (`npm run build && npm run bench:realistic`): the framework on real work,
 * not on no-op nodes. Three projects, data generated with a fixed seed (about 100 MB, under the
 * git-ignored `.bench-data/realistic/`, kept between runs):
 *
 *   (a) io: a 200k-row sales CSV cleaned, aggregated per day and region, written to Parquet and
 *       JSON; the cleaned rows go from node to node through a memory dataset (four consumers).
 *   (b) cpu: four independent branches on 50k events each: a join, a feature matrix, a ridge
 *       regression by gradient descent, k-means, group-by statistics.
 *   (c) spaceflights: examples/spaceflights as it is.
 *
 * Each is run by the compiled CLI with the sequential, async and parallel runners (the parallel one
 * as it comes, every node without large inputs on a worker, and with `startInMainThread`, the
 * main thread one of its lanes: `parallel+main`), and as plain
 * TypeScript with the same libraries and no framework (the floor, bundled once by esbuild; for
 * spaceflights also a floor that reads its persisted intermediate datasets back as Sluice does; for
 * cpu also the floor split by hand over two threads), in
 * alternating order, BENCH_REPEATS times (default 3); the best wall time and the largest peak RSS
 * (all threads) are printed. A separate sequential run with a stopwatch plugin splits the time
 * into loads, node functions, saves and memory handover; worker start-up is one worker thread
 * opening the project. Then, in this process, the 200k records of (a): the CSV load through the
 * `csv` dataset (type inference on and off) and through csv-parse alone, and their memory handover
 * (save + load) per copy mode. Every line carries the 1-minute load average.
 *
 * The last line is one JSON object for tools.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse } from 'csv-parse/sync';
import { createDatasetTypeRegistry, createHookManager, MemoryDataset } from '../dist/index.js';
import { WorkerHandle } from '../dist/runner/parallel/worker-handle.js';
import { generateData } from './realistic/generate.ts';
import { layOutProject } from './realistic/lay-out.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = join(ROOT, '.bench-data', 'realistic');
const TEMPLATES = join(ROOT, 'bench', 'realistic');
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const ALL_PIPELINES = ['io', 'cpu', 'spaceflights'] as const;
type PipelineName = (typeof ALL_PIPELINES)[number];
/** BENCH_PIPELINES=cpu,io runs only those (the JSON line then lists only them). */
const PIPELINES = ALL_PIPELINES.filter((name) =>
  (process.env.BENCH_PIPELINES ?? ALL_PIPELINES.join(',')).split(',').includes(name),
);
/**
 * `parallel` is the runner's default, which may run serially in the main thread when past runs
 * (the warm-up's among them) say lanes can't pay (`serialBelow`); `parallelWorkers` never does
 * (`serialBelow: 0`); `parallelMain`: `startInMainThread` (the main thread one of the lanes).
 */
const VARIANTS = [
  'sequential',
  'async',
  'parallel',
  'parallelWorkers',
  'parallelMain',
  'floor',
  'floorReadBack',
  'floorThreads',
  'sequentialCached',
  'parallelCached',
] as const;
/**
 * Floors run for one pipeline only. `floorReadBack` (spaceflights, the one pipeline whose nodes
 * read persisted datasets that other nodes wrote): the floor keeping Sluice's contract that a node
 * reads its persisted inputs from their files, and checks them there. `floorThreads` (cpu): the
 * floor's work split by hand over two threads, this workload's own ceiling for a parallel runner.
 * `sequentialCached` and `parallelCached` (spaceflights): the example with `cached: true` on its
 * three intermediate datasets (`--env cached`, bench/realistic/spaceflights/conf/cached), so that
 * a node gets the rows the node before it saved instead of reading the file back.
 */
const ONLY_FOR: Partial<Record<Variant, readonly PipelineName[]>> = {
  floorReadBack: ['spaceflights'],
  floorThreads: ['cpu'],
  sequentialCached: ['spaceflights'],
  parallelCached: ['spaceflights'],
};
type Variant = (typeof VARIANTS)[number];

const load = () => loadavg()[0]!.toFixed(2);
const log = (line: string) => console.log(`${line}  (load ${load()})`);

console.log(
  `Sluice realistic benchmark: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, best of ${REPEATS}`,
);

// ----------------------------------------------------------------- the projects and their data

const generated = await generateData(DATA);
log(`data: ${(generated.bytes / 1e6).toFixed(0)} MB in ${DATA}${generated.fresh ? ' (generated now)' : ''}`);

for (const name of PIPELINES) await layOutProject(DATA, name);

const RSS_PRELOAD = join(TEMPLATES, 'shared', 'rss.mjs');

interface Timed {
  ms: number;
  rssMb: number;
  /** CPU time of the whole process (every thread), user + system. */
  cpuMs: number;
}

function timeProcess(project: string, variant: Variant, env: Record<string, string> = {}): Timed {
  const args =
    variant === 'floor' || variant === 'floorReadBack' || variant === 'floorThreads'
      ? ['floor.mjs']
      : [
          join(ROOT, 'bin', 'sluice.js'),
          'run',
          '--progress',
          'off',
          '--runner',
          variant === 'parallelMain' || variant === 'parallelWorkers' || variant === 'parallelCached'
            ? 'parallel'
            : variant === 'sequentialCached'
              ? 'sequential'
              : variant,
          ...(variant === 'sequentialCached' || variant === 'parallelCached' ? ['--env', 'cached'] : []),
        ];
  // The projects' sluice.config.ts turn it into `startInMainThread: true` (1) or `serialBelow: 0` (off).
  const startInMain = variant === 'parallelMain' ? '1' : variant === 'parallelWorkers' ? 'off' : '0';
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', RSS_PRELOAD, ...args], {
    cwd: project,
    env: {
      ...process.env,
      SLUICE_BENCH_START_IN_MAIN: startInMain,
      FLOOR_READ_BACK: variant === 'floorReadBack' ? '1' : '0',
      FLOOR_THREADS: variant === 'floorThreads' ? '2' : '1',
      ...env,
    },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(
      `${variant} run of ${project} failed (${result.status}):\n${result.stderr}${result.stdout}`,
    );
  const rss = /SLUICE_BENCH_MAXRSS=(\d+)/.exec(result.stderr);
  const cpu = /SLUICE_BENCH_CPU=(\d+)/.exec(result.stderr);
  return {
    ms,
    rssMb: rss === null ? Number.NaN : Number(rss[1]) / 1024,
    cpuMs: cpu === null ? Number.NaN : Number(cpu[1]) / 1000,
  };
}

// ----------------------------------------------------------------- 1. the three pipelines

interface PipelineFigures {
  best: Record<Variant, number>;
  rssMb: Record<Variant, number>;
  shares: { loadMs: number; functionMs: number; saveMs: number; handoverMs: number; wallMs: number };
  workerStartMs: number;
}

const figures = {} as Record<PipelineName, PipelineFigures>;
console.log('\n1. whole runs (compiled CLI; the floor is plain TypeScript with the same libraries)');
for (const name of PIPELINES) {
  const project = join(DATA, name);
  timeProcess(project, 'sequential'); // compiles the project into .sluice/cache once, warms the page cache
  const best = Object.fromEntries(VARIANTS.map((variant) => [variant, Infinity])) as Record<Variant, number>;
  const rssMb = Object.fromEntries(VARIANTS.map((variant) => [variant, 0])) as Record<Variant, number>;
  const cpuMs = Object.fromEntries(VARIANTS.map((variant) => [variant, Infinity])) as Record<Variant, number>;
  for (let round = 0; round < REPEATS; round++) {
    // Alternate the order so that no variant always runs first (or last) on a drifting machine.
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      if (ONLY_FOR[variant]?.includes(name) === false) continue;
      const timed = timeProcess(project, variant);
      best[variant] = Math.min(best[variant], timed.ms);
      rssMb[variant] = Math.max(rssMb[variant], timed.rssMb);
      cpuMs[variant] = Math.min(cpuMs[variant], timed.cpuMs);
    }
  }
  const timingsFile = join(project, '.timings.json');
  rmSync(timingsFile, { force: true });
  const wallMs = timeProcess(project, 'sequential', { SLUICE_BENCH_TIMINGS: timingsFile }).ms;
  const shares = { ...JSON.parse(readFileSync(timingsFile, 'utf8')), wallMs };
  const workerStartMs = await workerStart(project);
  figures[name] = { best, rssMb, shares, workerStartMs };
  log(
    `${name.padEnd(13)} sequential ${fmt(best.sequential)}  async ${fmt(best.async)}  parallel ${fmt(best.parallel)}  parallel+workers ${fmt(best.parallelWorkers)}  parallel+main ${fmt(best.parallelMain)}  floor ${fmt(best.floor)} ms` +
      `  | seq/floor ${(best.sequential / best.floor).toFixed(2)}x  parallel/seq ${(best.parallel / best.sequential).toFixed(2)}x  parallel+workers/seq ${(best.parallelWorkers / best.sequential).toFixed(2)}x  parallel+main/seq ${(best.parallelMain / best.sequential).toFixed(2)}x`,
  );
  if (ONLY_FOR.floorThreads!.includes(name))
    log(
      `${''.padEnd(13)} floor on two threads (its work split by hand: two branches in the main thread, two in a worker): ${fmt(best.floorThreads)} ms (CPU ${fmt(cpuMs.floorThreads)}), ${(best.floor / best.floorThreads).toFixed(2)}x faster than the floor: this workload's ceiling here  | parallel ${(best.sequential / best.parallel).toFixed(2)}x faster than sequential`,
    );
  if (ONLY_FOR.floorReadBack!.includes(name))
    log(
      `${''.padEnd(13)} floor reading its persisted intermediate datasets back from their files and checking them there, as Sluice's nodes do: ${fmt(best.floorReadBack)} ms (CPU ${fmt(cpuMs.floorReadBack)})  | seq/that floor ${(best.sequential / best.floorReadBack).toFixed(2)}x`,
    );
  if (ONLY_FOR.sequentialCached!.includes(name))
    log(
      `${''.padEnd(13)} with cached: true on its three intermediate datasets (--env cached): sequential ${fmt(best.sequentialCached)} (CPU ${fmt(cpuMs.sequentialCached)})  parallel ${fmt(best.parallelCached)} ms  | seq/floor ${(best.sequentialCached / best.floor).toFixed(2)}x  parallel/seq ${(best.parallelCached / best.sequentialCached).toFixed(2)}x`,
    );
  // CPU time moves far less than wall time on a shared machine: what each runner costs in work.
  log(
    `${''.padEnd(13)} CPU ms (all threads, least of ${REPEATS}): sequential ${fmt(cpuMs.sequential)}  async ${fmt(cpuMs.async)}  parallel ${fmt(cpuMs.parallel)}  parallel+main ${fmt(cpuMs.parallelMain)}  floor ${fmt(cpuMs.floor)}  | parallel/seq ${(cpuMs.parallel / cpuMs.sequential).toFixed(2)}x  parallel+main/seq ${(cpuMs.parallelMain / cpuMs.sequential).toFixed(2)}x`,
  );
  log(
    `${''.padEnd(13)} peak RSS MB: sequential ${fmt(rssMb.sequential)}  async ${fmt(rssMb.async)}  parallel ${fmt(rssMb.parallel)}  parallel+main ${fmt(rssMb.parallelMain)}  floor ${fmt(rssMb.floor)}`,
  );
  const part = (ms: number) => `${fmt(ms)} ms (${((100 * ms) / wallMs).toFixed(0)}%)`;
  log(
    `${''.padEnd(13)} sequential run of ${fmt(wallMs)} ms: loads ${part(shares.loadMs)}, functions ${part(shares.functionMs)}, saves ${part(shares.saveMs)}, memory handover ${part(shares.handoverMs)}; worker start-up ${fmt(workerStartMs)} ms (one thread opening the project)`,
  );
}

/** One parallel-runner worker thread opening the project, until it is ready for nodes. */
async function workerStart(projectPath: string): Promise<number> {
  const started = performance.now();
  const handle = await WorkerHandle.start(
    {
      project: {
        projectPath,
        env: 'local',
        confSource: 'conf',
        runtimeParams: {},
        pipelineName: '__default__',
        loadVersions: {},
      },
      runId: 'bench-worker-start',
      saveVersion: 'bench-worker-start',
      isAsync: false,
      relay: false,
    },
    undefined,
    createHookManager(),
  );
  const ms = performance.now() - started;
  await handle.stop(5000);
  return ms;
}

// ----------------------------------------------------------------- 2. the two-thread ceiling

const ceiling = await threadCeiling();
log(
  `\n2. two bare worker threads do ${ceiling.toFixed(2)}x the work of one here (the ceiling for the parallel runner)`,
);

async function threadCeiling(): Promise<number> {
  const rounds = 3e8;
  const code = `let x=7;for(let i=0;i<${rounds};i++){x=Math.imul(x^(x>>>15),0x2c1b3c6d);x=Math.imul(x^(x>>>12),0x297a2d39)^i}require('node:worker_threads').parentPort.postMessage(x)`;
  const once = () =>
    new Promise<void>((done) => {
      const worker = new Worker(code, { eval: true });
      worker.once('message', () => void worker.terminate().then(() => done()));
    });
  let best = 0;
  for (let round = 0; round < REPEATS; round++) {
    let started = performance.now();
    await once();
    await once();
    const serial = performance.now() - started;
    started = performance.now();
    await Promise.all([once(), once()]);
    best = Math.max(best, serial / (performance.now() - started));
  }
  return best;
}

// ----------------------------------------------------------------- 3. 200k records: CSV load and handover

console.log(
  `\n3. the ${generated.salesRows} records of (a), in this process (median of ${Math.max(REPEATS, 5)})`,
);
const salesPath = join(DATA, 'io', 'data', '01_raw', 'sales.csv');
const registry = createDatasetTypeRegistry();
const csvDataset = async (loadArgs: Record<string, unknown>) =>
  await registry.get('csv')!({ filepath: salesPath, load_args: loadArgs }, { name: 'sales' } as never);
const median = async (fn: () => unknown): Promise<number> => {
  const times: number[] = [];
  for (let i = 0; i < Math.max(REPEATS, 5); i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[times.length >> 1]!;
};
const inferring = await csvDataset({});
const asStrings = await csvDataset({ infer: false });
const csvLoadMs = await median(() => inferring.load());
const csvStringsMs = await median(() => asStrings.load());
const csvParseMs = await median(() =>
  parse(readFileSync(salesPath, 'utf8'), { columns: true, bom: true, skip_empty_lines: true }),
);
log(
  `csv dataset, inference on (default)  ${fmt(csvLoadMs)} ms  ${(csvLoadMs / csvParseMs).toFixed(2)}x csv-parse`,
);
log(
  `csv dataset, infer: false            ${fmt(csvStringsMs)} ms  ${(csvStringsMs / csvParseMs).toFixed(2)}x csv-parse`,
);
log(`csv-parse alone (columns: true)      ${fmt(csvParseMs)} ms`);
log(
  `type inference costs                 ${fmt(csvLoadMs - csvStringsMs)} ms (${((100 * (csvLoadMs - csvStringsMs)) / csvStringsMs).toFixed(0)}% of a load without it)`,
);

const rows = (await inferring.load()) as object[];
const handover = async (copyMode: 'freeze' | 'deepcopy'): Promise<number> => {
  // A fresh copy each time: freezing the same array twice would cost nothing the second time.
  const samples: number[] = [];
  for (let i = 0; i < (copyMode === 'deepcopy' ? 1 : Math.max(REPEATS, 5)); i++) {
    const value = structuredClone(rows);
    const dataset = new MemoryDataset('clean_sales', { copyMode });
    const started = performance.now();
    dataset.save(value);
    dataset.load();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[samples.length >> 1]!;
};
const handoverMs = await handover('freeze');
const deepcopyMs = await handover('deepcopy');
log(
  `memory handover, freeze (default)    ${fmt(handoverMs)} ms  ${((100 * handoverMs) / csvLoadMs).toFixed(1)}% of the CSV load (save freezes, load hands the same value)`,
);
log(
  `memory handover, deepcopy            ${fmt(deepcopyMs)} ms  ${((100 * deepcopyMs) / csvLoadMs).toFixed(0)}% (a structured clone on save and on load, as before)`,
);

// ----------------------------------------------------------------- the line for tools

const round = (value: number) => Math.round(value);
console.log(
  JSON.stringify({
    pipelines: Object.fromEntries(
      PIPELINES.map((name) => {
        const { best, rssMb } = figures[name];
        return [
          name,
          {
            sequential_ms: round(best.sequential),
            async_ms: round(best.async),
            parallel_ms: round(best.parallel),
            parallel_workers_ms: round(best.parallelWorkers),
            parallel_main_ms: round(best.parallelMain),
            floor_ms: round(best.floor),
            ...(ONLY_FOR.floorReadBack!.includes(name)
              ? { floor_read_back_ms: round(best.floorReadBack) }
              : {}),
            ...(ONLY_FOR.floorThreads!.includes(name)
              ? { floor_two_threads_ms: round(best.floorThreads) }
              : {}),
            ...(ONLY_FOR.sequentialCached!.includes(name)
              ? {
                  sequential_cached_ms: round(best.sequentialCached),
                  parallel_cached_ms: round(best.parallelCached),
                }
              : {}),
            peak_rss_mb: round(
              Math.max(
                rssMb.sequential,
                rssMb.async,
                rssMb.parallel,
                rssMb.parallelWorkers,
                rssMb.parallelMain,
              ),
            ),
          },
        ];
      }),
    ),
    two_thread_ceiling: Number(ceiling.toFixed(2)),
    memory_handover_ms: Number(handoverMs.toFixed(1)),
    csv_load_ms: round(csvLoadMs),
  }),
);

function fmt(ms: number): string {
  return ms.toFixed(0).padStart(5);
}
