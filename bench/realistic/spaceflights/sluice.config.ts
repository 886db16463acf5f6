import { defineConfig } from 'sluice';
import { rowCounts } from './src/hooks.ts';
import { timing } from '../shared/timing.ts';

// The example's own configuration, with bench:realistic's stopwatch added.
export default defineConfig({
  // bench:realistic's `parallel+main` variant: the parallel runner with the main thread as a lane.
  runner: process.env['SLUICE_BENCH_START_IN_MAIN'] === '1' ? { startInMainThread: true } : {},
  hooks: [rowCounts(), timing()],
  pipelines: {
    __default__: ['data_processing', 'data_science'],
    data_processing: () => import('./src/pipelines/data_processing/pipeline.ts'),
    data_science: () => import('./src/pipelines/data_science/pipeline.ts'),
  },
});
