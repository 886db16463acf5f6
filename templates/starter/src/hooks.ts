import { definePlugin } from 'sluice';

/** An example project hook: logs how long each node took. Hooks see every node of every run. */
export const nodeTimer = definePlugin({
  name: 'node-timer',
  started: new Map<string, number>(),
  beforeNodeRun({ node }) {
    this.started.set(node.name, performance.now());
  },
  afterNodeRun({ node }) {
    const ms = performance.now() - (this.started.get(node.name) ?? performance.now());
    if (process.env.NODE_TIMER === '1') console.log(`[node-timer] ${node.name} took ${ms.toFixed(1)} ms`);
  },
});
