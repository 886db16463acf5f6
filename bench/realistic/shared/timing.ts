/**
 * bench:realistic's stopwatch, copied into each benchmark project. With SLUICE_BENCH_TIMINGS set
 * to a file, it adds up the time spent in loads, node functions and saves (memory datasets apart:
 * that is the handover) and writes the totals there when the run ends. Without it, it implements
 * no hook, so the timed runs pay nothing for it.
 */
import { writeFileSync } from 'node:fs';
import type { SluicePlugin } from 'sluice';

export interface Timings {
  loadMs: number;
  functionMs: number;
  saveMs: number;
  handoverMs: number;
}

export function timing(): SluicePlugin {
  const file = process.env.SLUICE_BENCH_TIMINGS;
  if (file === undefined || file === '') return { name: 'bench-timing' };
  const totals: Timings = { loadMs: 0, functionMs: 0, saveMs: 0, handoverMs: 0 };
  const started = new Map<string, number>();
  let memory = new Set<string>();
  const key = (node: { name: string }, what: string) => `${node.name}\u0000${what}`;
  const stop = (node: { name: string }, what: string) =>
    performance.now() - (started.get(key(node, what)) ?? performance.now());
  return {
    name: 'bench-timing',
    beforePipelineRun: ({ catalog, pipeline }) => {
      memory = new Set(
        [...pipeline.datasets()].filter((name) => catalog.isEphemeral(name) && !name.startsWith('params:')),
      );
    },
    beforeDatasetLoaded: ({ node, datasetName }) =>
      void started.set(key(node, `l${datasetName}`), performance.now()),
    afterDatasetLoaded: ({ node, datasetName }) => {
      const ms = stop(node, `l${datasetName}`);
      if (memory.has(datasetName)) totals.handoverMs += ms;
      else totals.loadMs += ms;
    },
    beforeNodeRun: ({ node }) => void started.set(key(node, 'run'), performance.now()),
    afterNodeRun: ({ node }) => void (totals.functionMs += stop(node, 'run')),
    beforeDatasetSaved: ({ node, datasetName }) =>
      void started.set(key(node, `s${datasetName}`), performance.now()),
    afterDatasetSaved: ({ node, datasetName }) => {
      const ms = stop(node, `s${datasetName}`);
      if (memory.has(datasetName)) totals.handoverMs += ms;
      else totals.saveMs += ms;
    },
    afterPipelineRun: () => writeFileSync(file, JSON.stringify(totals)),
  };
}
