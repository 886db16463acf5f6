import { defineConfig } from 'sluice';
import { timing } from '../shared/timing.ts';

// bench:realistic's parallel variants: `parallel+main` (1) has the main thread as a lane,
// `parallel+workers` (off) never runs serially in the main thread; `parallel` is the default.
const variant = process.env['SLUICE_BENCH_START_IN_MAIN'];

export default defineConfig({
  runner: variant === '1' ? { startInMainThread: true } : variant === 'off' ? { serialBelow: 0 } : {},
  hooks: [timing()],
  pipelines: { __default__: () => import('./src/pipeline.ts') },
});
