import { defineConfig } from 'sluice';
import { nodeTimer } from './src/hooks.ts';

export default defineConfig({
  // Your own hook plugins. Installed plugin packages are found on their own.
  hooks: [nodeTimer],
  // Each pipeline is imported only when a run needs it.
  pipelines: {
    __default__: ['weather'],
    weather: () => import('./src/pipelines/weather/pipeline.ts'),
  },
});
