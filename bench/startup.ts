/**
 * Start-up: milliseconds from spawning `sluice run` (compiled CLI) to the first node starting,
 * and to the process exiting, on the starter project of `sluice new`. The moment the first node
 * starts is reported by a probe plugin installed the way third-party plugins are (a package in
 * node_modules declaring `"sluice": { "hooks": ... }`), so the figure covers discovery too.
 * Also: importing dist/cli/main.js and dist/index.js in a fresh process, and one parallel-runner
 * worker thread opening the starter project (`WorkerHandle.start`, until the thread is ready).
 * Wall times, and the CPU time of each process (a preloaded probe reports it at exit).
 * Run: `npm run build && npm run bench:startup`. Prints a table and a final JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'sluice.js');
const RUNS = Number(process.env.RUNS ?? 15);

const work = mkdtempSync(join(tmpdir(), 'sluice-startup-'));
const project = join(work, 'starter');
execFileSync(process.execPath, [CLI, 'new', project], { stdio: 'ignore' });
// Link Sluice and its dependencies without touching the registry: the starter's own devDependencies
// (tsx, typescript) are only for its tests.
mkdirSync(join(project, 'node_modules'), { recursive: true });
execFileSync('ln', ['-s', ROOT, join(project, 'node_modules', 'sluice')]);
const probe = join(project, 'node_modules', 'startup-probe');
mkdirSync(probe);
writeFileSync(
  join(probe, 'package.json'),
  JSON.stringify({ name: 'startup-probe', type: 'module', sluice: { hooks: './hooks.js' } }),
);
writeFileSync(
  join(probe, 'hooks.js'),
  `import { writeFileSync } from 'node:fs';
let seen = false;
export default { name: 'startup-probe', beforeNodeRun() {
  if (seen) return; seen = true;
  writeFileSync(process.env.PROBE_FILE, String(performance.timeOrigin + performance.now()));
} };`,
);

// CPU time (user + system, every thread) of a spawned process, written when it exits. Machines
// here are shared: CPU time moves less with the load than wall time does.
const cpuProbe = join(work, 'cpu-probe.mjs');
const cpuFile = join(work, 'cpu.txt');
writeFileSync(
  cpuProbe,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const { user, system } = process.cpuUsage(); writeFileSync(${JSON.stringify(cpuFile)}, String((user + system) / 1000)); });`,
);
/** Spawns Node with the CPU probe; throws on a failure; returns the output and the CPU milliseconds. */
function spawnNode(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  rmSync(cpuFile, { force: true });
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(cpuProbe).href, ...args], {
    ...options,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { stdout: result.stdout, cpuMs: Number(readFileSync(cpuFile, 'utf8')) };
}

const probeFile = join(work, 'probe.txt');
const firstNode: number[] = [];
const total: number[] = [];
const runCpu: number[] = [];
for (let run = 0; run < RUNS + 1; run++) {
  rmSync(probeFile, { force: true });
  const started = performance.timeOrigin + performance.now();
  const { cpuMs } = spawnNode([CLI, 'run', '--progress', 'off'], {
    cwd: project,
    env: { ...process.env, PROBE_FILE: probeFile },
  });
  const ended = performance.timeOrigin + performance.now();
  if (run === 0) continue; // warm the file cache
  firstNode.push(Number(readFileSync(probeFile, 'utf8')) - started);
  total.push(ended - started);
  runCpu.push(cpuMs);
}
// Importing the CLI and the `sluice` module, as a run does before anything else.
const imports: number[] = [];
const importCpu: number[] = [];
const importBoth = `await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href)}); await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)});`;
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  importCpu.push(spawnNode(['--input-type=module', '-e', importBoth]).cpuMs);
  imports.push(performance.now() - started);
}
// One parallel-runner worker thread opening the starter project (what each worker pays at start).
const workerStart: number[] = [];
const workerCpu: number[] = [];
const startWorker = `
  const { WorkerHandle } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'runner', 'parallel', 'worker-handle.js')).href)});
  const { createHookManager } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)});
  const project = { projectPath: ${JSON.stringify(project)}, env: 'local', confSource: 'conf', runtimeParams: {}, pipelineName: '__default__', loadVersions: {} };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const handle = await WorkerHandle.start({ project, runId: 'startup', saveVersion: 'startup', isAsync: false, relay: false }, undefined, createHookManager());
  const { user, system } = process.cpuUsage(cpu);
  console.log(JSON.stringify({ ms: performance.now() - started, cpuMs: (user + system) / 1000 }));
  await handle.stop(5000);`;
// A file, not --eval: the thread would inherit --input-type and refuse to start.
const startWorkerFile = join(work, 'start-worker.mjs');
writeFileSync(startWorkerFile, startWorker);
for (let run = 0; run < RUNS; run++) {
  const { ms, cpuMs } = JSON.parse(spawnNode([startWorkerFile]).stdout) as { ms: number; cpuMs: number };
  workerStart.push(ms);
  workerCpu.push(cpuMs);
}
const baseline: number[] = [];
const baselineCpu: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  baselineCpu.push(spawnNode(['-e', '0']).cpuMs);
  baseline.push(performance.now() - started);
}
rmSync(work, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const min = (values: number[]) => Math.min(...values);
console.log(
  `sluice run on the starter project, ${RUNS} runs, node ${process.version}, load ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`,
);
console.log('measure                         median ms   min ms   median CPU ms');
const row = (label: string, values: number[], cpu?: number[]) =>
  console.log(
    `${label.padEnd(30)} ${median(values).toFixed(0).padStart(9)} ${min(values).toFixed(0).padStart(8)}${cpu === undefined ? '' : median(cpu).toFixed(0).padStart(16)}`,
  );
row('node -e 0 (the floor)', baseline, baselineCpu);
row('spawn -> first node starts', firstNode);
row('spawn -> process exits', total, runCpu);
row('import cli/main + index (spawn)', imports, importCpu);
// CPU of both threads while the worker starts.
row('worker thread opens project', workerStart, workerCpu);
console.log(
  JSON.stringify({
    firstNodeMs: Math.round(median(firstNode)),
    exitMs: Math.round(median(total)),
    nodeFloorMs: Math.round(median(baseline)),
    importMs: Math.round(median(imports)),
    workerStartMs: Math.round(median(workerStart)),
    nodeFloorCpuMs: Math.round(median(baselineCpu)),
    runCpuMs: Math.round(median(runCpu)),
    importCpuMs: Math.round(median(importCpu)),
    workerStartCpuMs: Math.round(median(workerCpu)),
  }),
);
