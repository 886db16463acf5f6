/**
 * Where spaceflights' sequential run spends its time beside the floor's (`npm run build && npm run
 * bench:phases`): the part of bench:realistic's "seq/floor" that is start-up, the Excel load, the
 * rest of the work, and exit. examples/spaceflights as it is, run by the compiled CLI
 * (`--runner sequential`, tracking on as by default), and bench:realistic's floor for it, with and
 * without reading its persisted intermediate datasets back (FLOOR_READ_BACK), in rotating order,
 * BENCH_ROUNDS times (default 7).
 *
 * Each process notes the milliseconds since it started at a few points (bench/realistic/shared/
 * marks.ts: the floor by hand, Sluice through a plugin on its public hooks): the first dataset
 * read begins (`load:companies`), the Excel load (`load:shuttles` to `loaded:shuttles`, the sheet
 * converted to rows), the end of the work (`end`) and the process's exit event; the wall time
 * measured from here adds spawning the process and tearing it down. The floor imports its libraries
 * before its first read; Sluice imports each at first use, inside a load or a save. So that the
 * phases can be compared, the script also times each library's import in a fresh process.
 *
 * Prints medians per phase and variant, each line with the 1-minute load average; the last line
 * is one JSON object for tools.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { median } from '../src/median.ts';
import { layOutProject } from './realistic/lay-out.ts';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'sluice.js');
// Inside the checkout, so that the project resolves exceljs, zod and DuckDB from its node_modules.
const WORK = join(ROOT, '.bench-data', 'phases');
const ROUNDS = Math.max(1, Number.parseInt(process.env.BENCH_ROUNDS ?? '', 10) || 7);
const VARIANTS = ['sequential', 'floor', 'floorReadBack'] as const;
type Variant = (typeof VARIANTS)[number];
const LABELS: Record<Variant, string> = {
  sequential: 'sequential',
  floor: 'floor',
  floorReadBack: 'floor reading back',
};
const LIBRARIES = ['exceljs', '@duckdb/node-api', 'zod', 'yaml', 'csv-parse/sync'] as const;

const load = () => loadavg()[0]!.toFixed(2);

interface Phases {
  /** Process start to the first dataset read. */
  startUp: number;
  /** Reading shuttles.xlsx into rows. */
  excel: number;
  /** From the first read to the end of the work, the Excel load apart. */
  rest: number;
  /** From the end of the work to the process's exit event. */
  exit: number;
  /** What the process's own clock doesn't see: spawning it and tearing it down after its exit event. */
  outside: number;
  /** Spawn to exit, measured from here. */
  wall: number;
}

function runOnce(project: string, variant: Variant): Phases {
  const marksFile = join(WORK, `marks-${variant}.json`);
  rmSync(marksFile, { force: true });
  const args =
    variant === 'sequential' ? [CLI, 'run', '--progress', 'off', '--runner', 'sequential'] : ['floor.mjs'];
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd: project,
    env: {
      ...process.env,
      SLUICE_BENCH_MARKS: marksFile,
      FLOOR_READ_BACK: variant === 'floorReadBack' ? '1' : '0',
    },
    encoding: 'utf8',
  });
  const wall = performance.now() - started;
  if (result.status !== 0)
    throw new Error(
      `the ${LABELS[variant]} run failed (${result.status}):\n${result.stderr}${result.stdout}`,
    );
  const marks = new Map(JSON.parse(readFileSync(marksFile, 'utf8')) as [string, number][]);
  const at = (label: string) => {
    const ms = marks.get(label);
    if (ms === undefined) throw new Error(`the ${LABELS[variant]} run noted no "${label}" mark`);
    return ms;
  };
  const first = at('load:companies');
  const excel = at('loaded:shuttles') - at('load:shuttles');
  return {
    startUp: first,
    excel,
    rest: at('end') - first - excel,
    exit: at('exit') - at('end'),
    outside: wall - at('exit'),
    wall,
  };
}

/** Milliseconds to import `specifier` in a fresh process started in `project`. */
function importMs(project: string, specifier: string): number {
  const result = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`,
    ],
    { cwd: project, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`importing ${specifier} failed:\n${result.stderr}`);
  return Number(result.stdout.trim());
}

rmSync(WORK, { recursive: true, force: true });
const project = await layOutProject(WORK, 'spaceflights');
console.log(
  `spaceflights' sequential run beside the floor: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, medians of ${ROUNDS} rounds`,
);
runOnce(project, 'sequential'); // the first run compiles the project into .sluice/cache
const runs: Record<Variant, Phases[]> = { sequential: [], floor: [], floorReadBack: [] };
for (let round = 0; round < ROUNDS; round++) {
  const order = VARIANTS.map((_, index) => VARIANTS[(index + round) % VARIANTS.length]!);
  for (const variant of order) runs[variant].push(runOnce(project, variant));
}
const medians = Object.fromEntries(
  VARIANTS.map((variant) => {
    const phases = runs[variant];
    const of = (key: keyof Phases) => Math.round(median(phases.map((run) => run[key])));
    return [
      variant,
      {
        startUp: of('startUp'),
        excel: of('excel'),
        rest: of('rest'),
        exit: of('exit'),
        outside: of('outside'),
        wall: of('wall'),
      },
    ];
  }),
) as Record<Variant, Phases>;

const ROWS: [keyof Phases, string][] = [
  ['startUp', 'process start to the first dataset read'],
  ['excel', 'the Excel load (shuttles.xlsx to rows)'],
  ['rest', 'the rest of the work'],
  ['exit', 'the end of the work to the exit event'],
  ['outside', 'spawn, and teardown after the exit event'],
  ['wall', 'whole process, spawn to exit'],
];
const cell = (value: number | string) => String(value).padStart(20);
console.log(`${'ms'.padEnd(42)}${VARIANTS.map((variant) => cell(LABELS[variant])).join('')}`);
for (const [key, label] of ROWS)
  console.log(`${label.padEnd(42)}${VARIANTS.map((variant) => cell(medians[variant][key])).join('')}`);
const { sequential, floor, floorReadBack } = medians;
console.log(
  `seq/floor ${(sequential.wall / floor.wall).toFixed(2)}x, seq/floor reading back ${(sequential.wall / floorReadBack.wall).toFixed(2)}x  (load ${load()})`,
);

const imports = Object.fromEntries(
  LIBRARIES.map((specifier) => [
    specifier,
    Math.round(median(Array.from({ length: 5 }, () => importMs(project, specifier)))),
  ]),
);
console.log(
  `importing each library in a fresh process (median of 5; the floor does it before its first read, Sluice at first use): ${LIBRARIES.map((specifier) => `${specifier} ${imports[specifier]}`).join(', ')} ms  (load ${load()})`,
);
console.log(JSON.stringify({ rounds: ROUNDS, phases_ms: medians, imports_ms: imports }));
