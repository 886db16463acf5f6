/**
 * The parallel runner against the sequential runner, on a project's first run (no history: the
 * runner has no node duration estimates) and once the run store has some (`npm run build && npm
 * run bench:first-run`). Three real projects, each run by the compiled CLI:
 *
 *   - starter: the project `sluice new` writes, a three-node chain;
 *   - spaceflights: examples/spaceflights as it is, two branches that meet;
 *   - io: bench:realistic's I/O-heavy pipeline, one 200k-row CSV load read by four nodes (its data
 *     generated with bench:realistic's fixed seed into .bench-data/realistic, once, about 80 MB).
 *
 * "first run" passes `--no-tracking`, so that no run reads or leaves history; "with history" runs
 * each runner once unmeasured first, with tracking on as by default. Rounds alternate the runners
 * and which goes first, BENCH_ROUNDS times (default 8). Prints, per project and scenario, the
 * minimum and median wall time and CPU time (every thread) of each runner and parallel / sequential
 * of the medians, each line with the 1-minute load average; the last line is one JSON object.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../src/median.ts';
import { generateData } from './realistic/generate.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'sluice.js');
// Inside the checkout, so that the projects resolve exceljs, zod and DuckDB from its node_modules.
const WORK = join(ROOT, '.bench-data', 'first-run');
const ROUNDS = Math.max(1, Number.parseInt(process.env.BENCH_ROUNDS ?? '', 10) || 8);
const RUNNERS = ['sequential', 'parallel'] as const;
type RunnerName = (typeof RUNNERS)[number];
const REALISTIC = join(ROOT, 'bench', 'realistic');
const USAGE_PROBE = join(REALISTIC, 'shared', 'rss.mjs');

const load = () => loadavg()[0]!.toFixed(2);

function linkSluice(project: string): void {
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  if (!existsSync(join(project, 'node_modules', 'sluice')))
    symlinkSync(ROOT, join(project, 'node_modules', 'sluice'));
}

async function setUp(): Promise<Record<string, string>> {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const starter = join(WORK, 'starter');
  execFileSync(process.execPath, [CLI, 'new', starter], { stdio: 'ignore' });
  linkSluice(starter);
  const spaceflights = join(WORK, 'spaceflights');
  cpSync(join(ROOT, 'examples', 'spaceflights'), spaceflights, {
    recursive: true,
    filter: (source) => !/node_modules|\.sluice|0[2-9]_/.test(source.slice(ROOT.length)),
  });
  linkSluice(spaceflights);
  // io imports ../shared/ (bench:realistic's stopwatch, idle unless asked): the same layout here.
  const data = join(ROOT, '.bench-data', 'realistic');
  await generateData(data);
  cpSync(join(REALISTIC, 'shared'), join(WORK, 'shared'), { recursive: true });
  const io = join(WORK, 'io');
  // Only the project: not what a run of it in place left behind (its history, outputs, links).
  cpSync(join(REALISTIC, 'io'), io, {
    recursive: true,
    filter: (source) =>
      !/node_modules|\.sluice|[/\\]data([/\\]|$)|floor\.ts$/.test(source.slice(REALISTIC.length)),
  });
  mkdirSync(join(io, 'data'), { recursive: true });
  symlinkSync(join(data, 'io', 'data', '01_raw'), join(io, 'data', '01_raw'));
  linkSluice(io);
  return { starter, spaceflights, io };
}

interface Timed {
  wallMs: number;
  cpuMs: number;
}

function runOnce(project: string, runner: RunnerName, tracking: boolean): Timed {
  const args = ['--import', USAGE_PROBE, CLI, 'run', '--progress', 'off', '--runner', runner];
  if (!tracking) args.push('--no-tracking');
  const started = performance.now();
  // io's config reads SLUICE_BENCH_START_IN_MAIN (bench:realistic's variants): the default here.
  const env = { ...process.env };
  delete env['SLUICE_BENCH_START_IN_MAIN'];
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env });
  const wallMs = performance.now() - started;
  if (result.status !== 0)
    throw new Error(
      `${runner} run of ${project} failed (${result.status}):\n${result.stderr}${result.stdout}`,
    );
  const cpu = /SLUICE_BENCH_CPU=(\d+)/.exec(result.stderr);
  return { wallMs, cpuMs: cpu === null ? Number.NaN : Number(cpu[1]) / 1000 };
}

const min = (values: readonly number[]) => Math.min(...values);

console.log(
  `Sluice first-run benchmark: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${ROUNDS} rounds`,
);
const projects = await setUp();
const results: Record<string, Record<string, Record<RunnerName, { wall_ms: number; cpu_ms: number }>>> = {};
for (const [name, project] of Object.entries(projects)) {
  results[name] = {};
  for (const scenario of ['first run', 'with history'] as const) {
    const tracking = scenario === 'with history';
    if (tracking) for (const runner of RUNNERS) runOnce(project, runner, true);
    const times: Record<RunnerName, Timed[]> = { sequential: [], parallel: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? RUNNERS : [...RUNNERS].reverse();
      for (const runner of order) times[runner].push(runOnce(project, runner, tracking));
    }
    const figures = (runner: RunnerName) => {
      const wall = times[runner].map((time) => time.wallMs);
      const cpu = times[runner].map((time) => time.cpuMs);
      return { wall_ms: median(wall), cpu_ms: median(cpu), minWall: min(wall), minCpu: min(cpu) };
    };
    const sequential = figures('sequential');
    const parallel = figures('parallel');
    const line = (runner: RunnerName, f: ReturnType<typeof figures>) =>
      `${runner.padEnd(10)} wall min ${f.minWall.toFixed(0).padStart(5)} median ${f.wall_ms.toFixed(0).padStart(5)} ms   CPU min ${f.minCpu.toFixed(0).padStart(5)} median ${f.cpu_ms.toFixed(0).padStart(5)} ms`;
    console.log(`\n${name}, ${scenario}:`);
    console.log(`  ${line('sequential', sequential)}`);
    console.log(`  ${line('parallel', parallel)}`);
    console.log(
      `  parallel / sequential: wall ${(parallel.wall_ms / sequential.wall_ms).toFixed(2)}x, CPU ${(parallel.cpu_ms / sequential.cpu_ms).toFixed(2)}x (medians)  (load ${load()})`,
    );
    results[name][scenario] = {
      sequential: { wall_ms: Math.round(sequential.wall_ms), cpu_ms: Math.round(sequential.cpu_ms) },
      parallel: { wall_ms: Math.round(parallel.wall_ms), cpu_ms: Math.round(parallel.cpu_ms) },
    };
  }
}
console.log(JSON.stringify({ rounds: ROUNDS, load: Number(load()), projects: results }));
