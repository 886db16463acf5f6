/** The reader's own plugin (cli.md's sluice.config.ts). */
import { definePlugin } from 'sluice';

export const nodeTimer = definePlugin({
  name: 'node-timer',
  afterNodeRun: ({ node }) => console.log(`${node.name} done`),
});
