/**
 * Incremental runs on the spaceflights demo (`npm run build && npm run bench:incremental`): how
 * much a rerun with nothing changed costs against the full run, in one process and in one go.
 * 1. In process (no start-up): `Session.run()` of the whole pipeline, plain; the first run with
 *    `incremental` on (a full run that also records); a rerun with nothing changed (every node
 *    skipped: fingerprints from the cache, memory outputs served from `.sluice/`).
 * 2. As a user runs it: `sluice run` and `sluice run --incremental` (no change) as processes,
 *    start-up included (`bench:startup` breaks start-up down).
 * Medians of RUNS (default 5) runs each, with the 1-minute load average. Ends with a JSON line.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session } from '../dist/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'spaceflights');
const CLI = join(ROOT, 'bin', 'sluice.js');
const RUNS = Number(process.env.RUNS ?? 5);

const work = mkdtempSync(join(tmpdir(), 'sluice-bench-incremental-'));
const project = join(work, 'spaceflights');
cpSync(EXAMPLE, project, {
  recursive: true,
  filter: (source) => !/\/(node_modules|\.sluice|data\/0[2-8][^/]*)$/.test(source.slice(EXAMPLE.length)),
});
mkdirSync(join(project, 'node_modules'), { recursive: true });
symlinkSync(ROOT, join(project, 'node_modules', 'sluice'), 'dir');

const load = () => loadavg()[0]!.toFixed(2);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const forget = () => {
  rmSync(join(project, '.sluice', 'incremental'), { recursive: true, force: true });
  rmSync(join(project, '.sluice', 'fingerprints'), { recursive: true, force: true });
};

/** One `Session.run()` in this process, the example's own printing silenced; milliseconds. */
async function runInProcess(incremental: boolean): Promise<number> {
  const session = await Session.create({ projectPath: project, log: () => {}, incremental });
  const [out, err] = [process.stdout.write, process.stderr.write];
  process.stdout.write = process.stderr.write = (() => true) as typeof process.stdout.write;
  try {
    const started = performance.now();
    const result = await session.run();
    const elapsed = performance.now() - started;
    if (result.completedNodes.length + result.skippedNodes.length !== 6) throw new Error('not 6 nodes');
    return elapsed;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

function runCli(...args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, 'run', '--progress', 'off', ...args], {
    cwd: project,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`sluice run failed: ${result.stderr}`);
  return performance.now() - started;
}

await runInProcess(false); // warm: the project bundle, DuckDB, the file cache
const plain: number[] = [];
const firstIncremental: number[] = [];
const rerun: number[] = [];
for (let run = 0; run < RUNS; run++) {
  plain.push(await runInProcess(false));
  forget();
  firstIncremental.push(await runInProcess(true));
  rerun.push(await runInProcess(true));
}
const loadInProcess = load();
runCli('--incremental');
const cliPlain: number[] = [];
const cliRerun: number[] = [];
for (let run = 0; run < RUNS; run++) {
  cliPlain.push(runCli());
  runCli('--incremental'); // the plain run rewrote the outputs: record them again
  cliRerun.push(runCli('--incremental'));
}
const loadCli = load();
rmSync(work, { recursive: true, force: true });

const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
console.log(
  `spaceflights (6 nodes, real data), ${RUNS} runs each, node ${process.version}, ${cpus().length} cores`,
);
console.log(`in process (Session.run, no start-up)             median ms   load`);
const row = (label: string, value: number, loadAverage: string, note = '') =>
  console.log(`${label.padEnd(50)} ${value.toFixed(0).padStart(9)}   ${loadAverage}${note}`);
row('full run, incremental off', median(plain), loadInProcess);
row('first run, incremental on (runs + records)', median(firstIncremental), loadInProcess);
row(
  'rerun, nothing changed (every node skipped)',
  median(rerun),
  loadInProcess,
  `   ${share(median(rerun), median(plain))} of the full run`,
);
console.log(`as processes (start-up included)`);
row('sluice run', median(cliPlain), loadCli);
row(
  'sluice run --incremental, nothing changed',
  median(cliRerun),
  loadCli,
  `   ${share(median(cliRerun), median(cliPlain))}`,
);
console.log(
  JSON.stringify({
    fullRunMs: Math.round(median(plain)),
    firstIncrementalMs: Math.round(median(firstIncremental)),
    noChangeRerunMs: Math.round(median(rerun)),
    rerunShare: Number((median(rerun) / median(plain)).toFixed(4)),
    cliFullMs: Math.round(median(cliPlain)),
    cliNoChangeMs: Math.round(median(cliRerun)),
    load1: Number(loadCli),
  }),
);
