import { defineConfig } from 'sluice';
import { timing } from '../shared/timing.ts';

export default defineConfig({
  hooks: [timing()],
  pipelines: { __default__: () => import('./src/pipeline.ts') },
});
