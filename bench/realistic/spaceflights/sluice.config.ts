import { defineConfig } from 'sluice';
import { rowCounts } from './src/hooks.ts';
import { markingPlugin } from '../shared/marks.ts';
import { timing } from '../shared/timing.ts';

// bench:realistic's parallel variants: `parallel+main` (1) has the main thread as a lane,
// `parallel+workers` (off) never runs serially in the main thread; `parallel` is the default.
const variant = process.env['SLUICE_BENCH_START_IN_MAIN'];

// The example's own configuration, with bench:realistic's stopwatch and bench:phases' marks added.
export default defineConfig({
  runner: variant === '1' ? { startInMainThread: true } : variant === 'off' ? { serialBelow: 0 } : {},
  hooks: [rowCounts(), timing(), markingPlugin()],
  pipelines: {
    __default__: ['data_processing', 'data_science'],
    data_processing: () => import('./src/pipelines/data_processing/pipeline.ts'),
    data_science: () => import('./src/pipelines/data_science/pipeline.ts'),
  },
});
