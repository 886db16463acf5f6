import { defineConfig } from 'sluice';
import { timing } from '../shared/timing.ts';

export default defineConfig({
  // bench:realistic's `parallel-workers` variant: the parallel runner without the main thread as a lane.
  runner: process.env['SLUICE_BENCH_WORKERS_ONLY'] === '1' ? { startInMainThread: false } : {},
  hooks: [timing()],
  pipelines: { __default__: () => import('./src/pipeline.ts') },
});
