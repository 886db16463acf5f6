/**
 * Distributed runner benchmarks (`npm run build && npm run bench:distributed`), on the Redis at
 * SLUICE_REDIS_URL (else redis://127.0.0.1:6379), against the compiled package as users run it.
 * Workers are `node bin/sluice.js worker --queue Q --concurrency 1` child processes on a throwaway
 * project that links this package, started before each measurement and awaited on their ready line.
 * 1. Per-node overhead: a chain of no-op nodes on memory datasets (each value crosses the Redis
 *    exchange store) with one worker, against raw BullMQ doing the same round trip: a chain of jobs,
 *    each added once the previous one completed, taken by a bare BullMQ Worker in a child process.
 *    Sluice's figure is (run of the long chain - run of the short chain) / extra nodes, so the CLI's
 *    start-up and the session cancel out. Besides wall time, the CPU time the client processes
 *    spent (coordinator and worker; producer and worker for raw BullMQ; from /proc, the Redis
 *    server left out), which a loaded machine disturbs far less than wall time.
 * 2. Speed-up of 1, 2 and 4 workers on 8 independent CPU-bound nodes (~300 ms of integer mixing
 *    loops each), against the machine's ceiling: two bare processes running the same loop against one.
 * 1b. Redis commands per node: the same chains on a private `redis-server` this script starts (no
 *    other traffic), every command the clients send counted with MONITOR (commands inside BullMQ's
 *    Lua scripts left out: they cost no round trip). Independent of the machine's load.
 *    BENCH_COMMANDS_DETAIL=1 also prints them per command name (EVALSHA by script), per node.
 * Prints the load average beside every figure and, last, one JSON line. BENCH_PARTS=overhead (or
 * commands, or speedup; comma-separated) runs those parts only.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

const ROOT = resolve(import.meta.dirname, '..');
const SLUICE = join(ROOT, 'bin', 'sluice.js');
const REDIS_URL = process.env.SLUICE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LONG_CHAIN = Number(process.env.BENCH_CHAIN ?? 200);
const SHORT_CHAIN = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CPU_NODES = 8;
const CPU_NODE_MS = 300;
/** BENCH_PARTS=overhead (or speedup) runs one part only; both by default. */
const PARTS = new Set((process.env.BENCH_PARTS ?? 'overhead,commands,speedup').split(','));
const results: Record<string, number | string> = {};

/** The 1-minute load average, printed beside every figure: a busy machine skews them. */
function load(): string {
  return loadavg()[0]!.toFixed(2);
}

function record(key: string, value: number): void {
  results[key] = value;
  results[`${key}_load`] = Number(load());
}

function writeProject(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(dir, 'node_modules', 'sluice'));
}

const work = mkdtempSync(join(tmpdir(), 'sluice-bench-distributed-'));

const chainProject = join(work, 'chain');
writeProject(chainProject, {
  'package.json': JSON.stringify({ name: 'bench-chain', type: 'module' }),
  'conf/base/catalog.yml': '{}\n',
  'conf/base/parameters.yml': 'start: 0\n',
  'sluice.config.ts': `import { defineConfig, node, Pipeline } from 'sluice';
function chain(length: number) {
  const nodes = [node((value: number) => value + 1, 'params:start', 'd1', { name: 'n0' })];
  for (let i = 1; i < length; i++)
    nodes.push(node((value: number) => value + 1, 'd' + i, 'd' + (i + 1), { name: 'n' + i }));
  return new Pipeline(nodes);
}
export default defineConfig({
  pipelines: { __default__: chain(${LONG_CHAIN}), short: chain(${SHORT_CHAIN}) },
});
`,
});

const cpuProject = join(work, 'cpu');
writeProject(cpuProject, {
  'package.json': JSON.stringify({ name: 'bench-cpu', type: 'module' }),
  'conf/base/catalog.yml': '{}\n',
  'conf/base/parameters.yml': 'seed: 7\n',
  'sluice.config.ts': `import { defineConfig, node, Pipeline } from 'sluice';
/** Plain JavaScript CPU work (not node:crypto, whose process-wide lock would measure OpenSSL). */
function hashFor(label: string) {
  return (seed: number) => {
    const rounds = Number(process.env.HASH_ROUNDS ?? 1e8);
    let x = seed ^ label.length;
    for (let i = 0; i < rounds; i++) {
      x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
      x = Math.imul(x ^ (x >>> 12), 0x297a2d39) ^ i;
    }
    return (x >>> 0).toString(16);
  };
}
const nodes = Array.from({ length: ${CPU_NODES} }, (_, i) => node(hashFor('n' + i), 'params:seed', 'h' + i, { name: 'hash' + i }));
export default defineConfig({ pipelines: { __default__: new Pipeline(nodes) } });
`,
});

let queues = 0;
function uniqueQueue(label: string): string {
  return `bench-${label}-${process.pid}-${++queues}`;
}

interface Child {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns a process and resolves once its output contains `readyLine`. */
async function startChild(args: string[], cwd: string, readyLine: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = once(child, 'exit');
  await new Promise<void>((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) resolveReady();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`${args.join(' ')} exited before it was ready:\n${output}`)));
  });
  return {
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  } satisfies Child;
}

function startWorkers(project: string, queue: string, count: number, env: Record<string, string> = {}) {
  return Promise.all(
    Array.from({ length: count }, () =>
      startChild(
        [SLUICE, 'worker', '--queue', queue, '--concurrency', '1'],
        project,
        'sluice worker ready',
        env,
      ),
    ),
  );
}

/**
 * `sluice run ...` in the project: the whole process's wall time, and the pipeline's own time as
 * the run summary prints it (start-up and session excluded).
 */
const CLOCK_TICK_MS =
  1000 / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100);

/**
 * CPU milliseconds (user + system) a process spent so far, from /proc (NaN elsewhere); with
 * `children`, those of its children it waited for (a `spawnSync`ed coordinator).
 */
function cpuMsOf(pid: number | 'self', children = false): number {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return NaN;
  const stat = readFileSync(file, 'utf8');
  // The fields after the command name: state is field 3, utime/stime 14-15, cutime/cstime 16-17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [user, system] = children ? [fields[13], fields[14]] : [fields[11], fields[12]];
  return (Number(user) + Number(system)) * CLOCK_TICK_MS;
}

function timeRun(
  project: string,
  args: string[],
  progress: 'plain' | 'off' = 'plain',
): { wallMs: number; pipelineMs: number; cpuMs: number } {
  const cpuBefore = cpuMsOf('self', true);
  const started = performance.now();
  // Without the progress display nothing may be relayed: the tracking plugin (process: 'main') is off too.
  const tracking = progress === 'off' ? ['--no-tracking'] : [];
  const result = spawnSync(process.execPath, [SLUICE, 'run', '--progress', progress, ...tracking, ...args], {
    cwd: project,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`sluice run ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  const wallMs = performance.now() - started;
  const cpuMs = cpuMsOf('self', true) - cpuBefore;
  if (progress === 'off') return { wallMs, pipelineMs: NaN, cpuMs };
  const summary = / done, \d+ failed, \d+ skipped in (\d+\.\d+)s/.exec(result.stderr);
  if (!summary) throw new Error(`sluice run ${args.join(' ')} printed no summary:\n${result.stderr}`);
  return { wallMs, pipelineMs: Number(summary[1]) * 1000, cpuMs };
}

const best = (runs: number, fn: () => number) => Math.min(...Array.from({ length: runs }, fn));
const wall = (project: string, args: string[]) => () => timeRun(project, args).wallMs;

console.log(
  `Sluice distributed runner benchmarks, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, Redis ${REDIS_URL.replace(/\/\/[^@]*@/, '//***@')}`,
);

// ----- 1. per-node overhead against raw BullMQ -----
if (PARTS.has('overhead')) {
  // Both sides' workers stay up, and the rounds alternate, so a burst of load on the shared
  // machine hits both rather than one.
  const queue = uniqueQueue('chain');
  const [worker] = await startWorkers(chainProject, queue, 1);

  // Raw BullMQ: the same round trip (add a job once the previous one completed, a worker in
  // another process takes it and returns a value, the producer hears of the completion).
  const rawQueue = uniqueQueue('raw');
  const bullmqUrl = import.meta.resolve('bullmq');
  const rawWorkerFile = join(work, 'raw-worker.mjs');
  writeFileSync(
    rawWorkerFile,
    `import { Worker } from ${JSON.stringify(bullmqUrl)};
const url = new URL(${JSON.stringify(REDIS_URL)});
const connection = { host: url.hostname, port: Number(url.port || 6379), ...(url.password ? { password: decodeURIComponent(url.password) } : {}), maxRetriesPerRequest: null };
const worker = new Worker(${JSON.stringify(rawQueue)}, async (job) => job.data.value + 1, { connection, concurrency: 1 });
await worker.waitUntilReady();
console.log('raw worker ready');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
`,
  );
  const url = new URL(REDIS_URL);
  const connection = {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
  };
  const rawWorker = await startChild([rawWorkerFile], work, 'raw worker ready');
  const producer = new Queue(rawQueue, { connection });
  const events = new QueueEvents(rawQueue, { connection });
  await events.waitUntilReady();
  /** The CPU time the producer (this process) and the raw worker spent while `action` ran. */
  let rawCpuMs = NaN;
  const rawChain = async (length: number) => {
    const cpuBefore = process.cpuUsage();
    const workerCpuBefore = cpuMsOf(rawWorker.child.pid!);
    const started = performance.now();
    let value = 0;
    for (let i = 0; i < length; i++) {
      const job = await producer.add('n' + i, { value });
      value = (await job.waitUntilFinished(events)) as number;
    }
    if (value !== length) throw new Error(`raw chain ended at ${value}, not ${length}`);
    const wallMs = performance.now() - started;
    const own = process.cpuUsage(cpuBefore);
    rawCpuMs = (own.user + own.system) / 1000 + cpuMsOf(rawWorker.child.pid!) - workerCpuBefore;
    return wallMs;
  };
  /** A Sluice run, with the CPU time of its coordinator (this process's child) and of the worker. */
  const sluiceChain = (pipeline: string[], progress: 'plain' | 'off' = 'plain') => {
    const workerCpuBefore = cpuMsOf(worker!.child.pid!);
    const timed = timeRun(chainProject, ['--runner', 'distributed', '--queue', queue, ...pipeline], progress);
    return { ...timed, cpuMs: timed.cpuMs + cpuMsOf(worker!.child.pid!) - workerCpuBefore };
  };
  try {
    sluiceChain(['--pipeline', 'short']); // warm the bundle cache and the worker
    await rawChain(SHORT_CHAIN);
    let longWall = Infinity;
    let shortWall = Infinity;
    let longPipeline = Infinity;
    let shortPipeline = Infinity;
    let rawMs = Infinity;
    let longCpu = Infinity;
    let shortCpu = Infinity;
    let rawCpu = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      const long = sluiceChain([]);
      const short = sluiceChain(['--pipeline', 'short']);
      longPipeline = Math.min(longPipeline, long.pipelineMs);
      shortPipeline = Math.min(shortPipeline, short.pipelineMs);
      // Without it there is no summary either, so the whole process is timed. Events are still
      // relayed: the failed-nodes report of `sluice run` is a `process: 'main'` plugin too.
      const longOff = sluiceChain([], 'off');
      const shortOff = sluiceChain(['--pipeline', 'short'], 'off');
      longWall = Math.min(longWall, longOff.wallMs);
      shortWall = Math.min(shortWall, shortOff.wallMs);
      longCpu = Math.min(longCpu, long.cpuMs, longOff.cpuMs);
      shortCpu = Math.min(shortCpu, short.cpuMs, shortOff.cpuMs);
      rawMs = Math.min(rawMs, await rawChain(LONG_CHAIN));
      rawCpu = Math.min(rawCpu, rawCpuMs);
    }
    const extra = LONG_CHAIN - SHORT_CHAIN;
    const perNode = (longPipeline - shortPipeline) / extra;
    const perNodeWall = (longWall - shortWall) / extra;
    const rawPerNode = rawMs / LONG_CHAIN;
    console.log(
      `\n1. per-node overhead, a chain of no-op nodes on memory datasets, one worker (concurrency 1), best of ${ROUNDS} alternating rounds`,
    );
    record('sluice_ms_per_node', Number(perNode.toFixed(2)));
    record('sluice_cli_ms_per_node', Number(perNodeWall.toFixed(2)));
    console.log(
      `sluice, --progress plain (events relayed), run summary's time: ${LONG_CHAIN} nodes ${longPipeline.toFixed(0)} ms, ${SHORT_CHAIN} nodes ${shortPipeline.toFixed(0)} ms: ${perNode.toFixed(2)} ms/node (load ${load()})`,
    );
    console.log(
      `sluice, --progress off, whole CLI run: ${LONG_CHAIN} nodes ${longWall.toFixed(0)} ms, ${SHORT_CHAIN} nodes ${shortWall.toFixed(0)} ms: ${perNodeWall.toFixed(2)} ms/node (load ${load()})`,
    );
    record('raw_bullmq_ms_per_job', Number(rawPerNode.toFixed(2)));
    console.log(
      `raw BullMQ: ${LONG_CHAIN} chained jobs ${rawMs.toFixed(0)} ms: ${rawPerNode.toFixed(2)} ms/job (load ${load()})`,
    );
    const ratio = perNode / rawPerNode;
    const ratioCli = perNodeWall / rawPerNode;
    record('sluice_over_raw', Number(ratio.toFixed(2)));
    record('sluice_cli_over_raw', Number(ratioCli.toFixed(2)));
    console.log(
      `sluice / raw: ${ratio.toFixed(2)}x by the run summary's time, ${ratioCli.toFixed(2)}x by the whole CLI run (target at most 1.5x) (load ${load()})`,
    );
    const cpuPerNode = (longCpu - shortCpu) / extra;
    const rawCpuPerJob = rawCpu / LONG_CHAIN;
    record('sluice_cpu_ms_per_node', Number(cpuPerNode.toFixed(2)));
    record('raw_bullmq_cpu_ms_per_job', Number(rawCpuPerJob.toFixed(2)));
    record('sluice_cpu_over_raw', Number((cpuPerNode / rawCpuPerJob).toFixed(2)));
    console.log(
      `CPU time of the client processes (Redis server excluded): sluice ${cpuPerNode.toFixed(2)} ms/node (coordinator and worker; ${LONG_CHAIN} nodes ${longCpu.toFixed(0)} ms, ${SHORT_CHAIN} nodes ${shortCpu.toFixed(0)} ms), raw BullMQ ${rawCpuPerJob.toFixed(2)} ms/job (producer and worker): ${(cpuPerNode / rawCpuPerJob).toFixed(2)}x (load ${load()})`,
    );
  } finally {
    await producer.obliterate({ force: true }).catch(() => {});
    await Promise.all([producer.close(), events.close(), rawWorker.stop(), worker!.stop()]);
  }
}

// ----- 1b. Redis commands per node, on a private redis-server -----
if (PARTS.has('commands')) {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const ready = await new Promise<boolean>((resolveReady) => {
    let log = '';
    server.once('error', () => resolveReady(false));
    server.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ready to accept connections')) resolveReady(true);
    });
  });
  if (!ready) {
    console.log('\n1b. Redis commands per node: skipped (no redis-server program here)');
  } else {
    const url = `redis://127.0.0.1:${port}`;
    const queue = uniqueQueue('commands');
    const [worker] = await startWorkers(chainProject, queue, 1, { SLUICE_REDIS_URL: url });
    const client = new Redis(url);
    const pinger = new Redis(url);
    const monitor = await client.monitor();
    let counted = 0;
    let byName = new Map<string, number>();
    let marker: (() => void) | undefined;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === 'echo' && args[1] === 'bench-marker') marker?.();
      else if (!source.includes('lua')) {
        counted++;
        const name = args[0]?.toLowerCase() ?? '?';
        const key = name === 'evalsha' ? `evalsha ${args[1]?.slice(0, 8)}` : name;
        byName.set(key, (byName.get(key) ?? 0) + 1);
      }
    });
    const marked = () =>
      new Promise<void>((resolveMarked) => {
        marker = resolveMarked;
        void pinger.echo('bench-marker');
      });
    const commandsOf = async (pipeline: string[]) => {
      await marked();
      counted = 0;
      byName = new Map();
      process.env.SLUICE_REDIS_URL = url;
      try {
        timeRun(chainProject, ['--runner', 'distributed', '--queue', queue, ...pipeline], 'off');
      } finally {
        delete process.env.SLUICE_REDIS_URL;
      }
      await marked(); // every command of the run has reached the monitor
      return counted;
    };
    try {
      await commandsOf(['--pipeline', 'short']); // warm the bundle cache and the worker
      const short = await commandsOf(['--pipeline', 'short']);
      const shortByName = byName;
      const long = await commandsOf([]);
      if (process.env.BENCH_COMMANDS_DETAIL === '1') {
        const extra = LONG_CHAIN - SHORT_CHAIN;
        for (const [name, count] of [...byName].sort((a, b) => b[1] - a[1]))
          console.log(`  ${name}: ${((count - (shortByName.get(name) ?? 0)) / extra).toFixed(2)} per node`);
      }
      const perNode = (long - short) / (LONG_CHAIN - SHORT_CHAIN);
      record('redis_commands_per_node', Number(perNode.toFixed(1)));
      console.log(
        `\n1b. Redis commands per node (sent by clients, Lua internals left out), private redis-server: ${LONG_CHAIN} nodes ${long}, ${SHORT_CHAIN} nodes ${short}: ${perNode.toFixed(1)} per node (load ${load()})`,
      );
    } finally {
      monitor.disconnect();
      client.disconnect();
      pinger.disconnect();
      await worker!.stop();
    }
  }
  server.kill('SIGKILL');
}

// ----- 2. speed-up of 1, 2, 4 workers on CPU-bound nodes -----
if (PARTS.has('speedup')) {
  const loop = (rounds: number) =>
    `let x=7;for(let i=0;i<${rounds};i++){x=Math.imul(x^(x>>>15),0x2c1b3c6d);x=Math.imul(x^(x>>>12),0x297a2d39)^i}if(x===1)console.log(x)`;
  const bareProcesses = async (count: number, rounds: number) => {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: count }, () => once(spawn(process.execPath, ['-e', loop(rounds)]), 'exit')),
    );
    return performance.now() - started;
  };
  // Calibrate so one node computes for about CPU_NODE_MS here (minus node's start-up).
  const probeRounds = 2e8;
  const probeMs = await bareProcesses(1, probeRounds);
  const emptyMs = await bareProcesses(1, 0);
  const rounds = Math.round((probeRounds / Math.max(1, probeMs - emptyMs)) * CPU_NODE_MS);
  // The ceiling: the same work (1 s of loop) in two bare processes at once against one,
  // best of 3 alternating rounds each.
  const ceilingRounds = Math.round((rounds * 1000) / CPU_NODE_MS);
  let single = Infinity;
  let double = Infinity;
  for (let round = 0; round < 3; round++) {
    single = Math.min(single, await bareProcesses(1, ceilingRounds));
    double = Math.min(double, await bareProcesses(2, ceilingRounds));
  }
  const ceiling = (2 * single) / double;
  record('two_process_ceiling', Number(ceiling.toFixed(2)));
  console.log(
    `\n2. ${CPU_NODES} independent CPU-bound nodes of ~${CPU_NODE_MS} ms (integer mixing loops), whole CLI run, best of 3`,
  );
  console.log(`ceiling: two bare processes do ${ceiling.toFixed(2)}x the work of one here (load ${load()})`);
  const env = { HASH_ROUNDS: String(rounds) };
  // The sequential runner in one process, for reference (HASH_ROUNDS reaches the node through env).
  process.env.HASH_ROUNDS = String(rounds);
  timeRun(cpuProject, ['--runner', 'sequential']); // warm the bundle cache
  const sequentialMs = best(3, wall(cpuProject, ['--runner', 'sequential']));
  record('cpu_sequential_ms', Math.round(sequentialMs));
  console.log(`sequential runner (one process): ${sequentialMs.toFixed(0)} ms (load ${load()})`);
  let oneWorkerMs = 0;
  for (const count of [1, 2, 4]) {
    const queue = uniqueQueue(`cpu${count}`);
    const workers = await startWorkers(cpuProject, queue, count, env);
    try {
      const ms = best(3, wall(cpuProject, ['--runner', 'distributed', '--queue', queue]));
      if (count === 1) oneWorkerMs = ms;
      const speedup = oneWorkerMs / ms;
      record(`cpu_${count}_workers_ms`, Math.round(ms));
      record(`cpu_${count}_workers_speedup`, Number(speedup.toFixed(2)));
      console.log(
        `${count} worker${count === 1 ? ' ' : 's'}: ${ms.toFixed(0)} ms, speed-up ${speedup.toFixed(2)}x over 1 worker (ceiling ${ceiling.toFixed(2)}x) (load ${load()})`,
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }
}

rmSync(work, { recursive: true, force: true });
results.cpus = cpus().length;
console.log(JSON.stringify(results));
