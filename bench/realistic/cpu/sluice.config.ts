import { defineConfig } from 'sluice';
import { timing } from '../shared/timing.ts';

export default defineConfig({
  // bench:realistic's `parallel+main` variant: the parallel runner with startInMainThread.
  runner: { startInMainThread: process.env['SLUICE_BENCH_START_IN_MAIN'] === '1' },
  hooks: [timing()],
  pipelines: { __default__: () => import('./src/pipeline.ts') },
});
