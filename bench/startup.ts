/**
 * Start-up: milliseconds from spawning `sluice run` (compiled CLI) to the first node starting,
 * and to the process exiting, on the starter project of `sluice new`. The moment the first node
 * starts is reported by a probe plugin installed the way third-party plugins are (a package in
 * node_modules declaring `"sluice": { "hooks": ... }`), so the figure covers discovery too.
 * Run: `npm run build && npm run bench:startup`. Prints a table and a final JSON line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

const probeFile = join(work, 'probe.txt');
const firstNode: number[] = [];
const total: number[] = [];
for (let run = 0; run < RUNS + 1; run++) {
  rmSync(probeFile, { force: true });
  const started = performance.timeOrigin + performance.now();
  const result = spawnSync(process.execPath, [CLI, 'run', '--progress', 'off'], {
    cwd: project,
    env: { ...process.env, PROBE_FILE: probeFile },
  });
  const ended = performance.timeOrigin + performance.now();
  if (result.status !== 0) throw new Error(`sluice run failed: ${result.stderr}`);
  if (run === 0) continue; // warm the file cache
  firstNode.push(Number(readFileSync(probeFile, 'utf8')) - started);
  total.push(ended - started);
}
const baseline: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  baseline.push(performance.now() - started);
}
rmSync(work, { recursive: true, force: true });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const min = (values: number[]) => Math.min(...values);
console.log(`sluice run on the starter project, ${RUNS} runs, node ${process.version}`);
console.log('measure                         median ms   min ms');
const row = (label: string, values: number[]) =>
  console.log(
    `${label.padEnd(30)} ${median(values).toFixed(0).padStart(9)} ${min(values).toFixed(0).padStart(8)}`,
  );
row('node -e 0 (the floor)', baseline);
row('spawn -> first node starts', firstNode);
row('spawn -> process exits', total);
console.log(
  JSON.stringify({
    firstNodeMs: Math.round(median(firstNode)),
    exitMs: Math.round(median(total)),
    nodeFloorMs: Math.round(median(baseline)),
  }),
);
