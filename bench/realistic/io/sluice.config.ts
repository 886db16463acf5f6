import { defineConfig } from 'sluice';
import { timing } from '../shared/timing.ts';

export default defineConfig({
  // bench:realistic's `parallel+main` variant: the parallel runner with the main thread as a lane.
  runner: process.env['SLUICE_BENCH_START_IN_MAIN'] === '1' ? { startInMainThread: true } : {},
  hooks: [timing()],
  pipelines: { __default__: () => import('./src/pipeline.ts') },
});
