/**
 * Phase marks for bench:phases, copied into each benchmark project beside the stopwatch. With
 * SLUICE_BENCH_MARKS set to a file, `mark(label)` notes the milliseconds since the process started
 * (`performance.now()`), and the marks go to that file as JSON when the process exits. Without it,
 * `mark` returns at once and `markingPlugin` implements no hook, so the timed runs pay nothing.
 *
 * The floor calls `mark` by hand; a Sluice project registers `markingPlugin`, which marks each
 * dataset load (`load:<name>` and `loaded:<name>`) and the end of the run (`end`).
 */
import { writeFileSync } from 'node:fs';
import type { SluicePlugin } from 'sluice';

const file = process.env.SLUICE_BENCH_MARKS;
const marks: [label: string, ms: number][] = [];

if (file !== undefined && file !== '')
  process.on('exit', () => {
    marks.push(['exit', performance.now()]);
    writeFileSync(file, JSON.stringify(marks));
  });

export function mark(label: string): void {
  if (file !== undefined && file !== '') marks.push([label, performance.now()]);
}

export function markingPlugin(): SluicePlugin {
  if (file === undefined || file === '') return { name: 'bench-marks' };
  return {
    name: 'bench-marks',
    beforeDatasetLoaded: ({ datasetName }) => mark(`load:${datasetName}`),
    afterDatasetLoaded: ({ datasetName }) => mark(`loaded:${datasetName}`),
    afterPipelineRun: () => mark('end'),
  };
}
