import { defineConfig } from 'sluice';
import { rowCounts } from './src/hooks.ts';

export default defineConfig({
  // The project's own hook plugins. Installed plugin packages are found on their own.
  hooks: [rowCounts()],
  // Each pipeline is imported only when a run needs it: `sluice run --pipeline data_science`
  // doesn't load the data processing code.
  pipelines: {
    __default__: ['data_processing', 'data_science'],
    data_processing: () => import('./src/pipelines/data_processing/pipeline.ts'),
    data_science: () => import('./src/pipelines/data_science/pipeline.ts'),
  },
});
