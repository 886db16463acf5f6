/**
 * `npm run bench:viz`: how long ELK takes to lay out generated pipelines of growing size (the
 * layout `sluice viz` computes for a page's first view), with the load average beside each figure.
 */
import { loadavg } from 'node:os';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkEngine } from '../src/plugins/viz/layout.ts';
import { layoutView } from '../src/plugins/viz/layout.ts';
import { buildView } from '../src/plugins/viz/view.ts';
import { generatedGraph } from '../test/plugins/viz/generated-pipeline.ts';

const elk = new (ELK as unknown as new () => ElkEngine)();
// ELK's first call pays its own start-up (compiled Java): measured apart, then left out.
const warmStart = performance.now();
await layoutView(buildView(generatedGraph(5), { pipeline: '__default__', tags: [], collapsed: [] }), elk);
console.log(`ELK's first call (5 nodes): ${(performance.now() - warmStart).toFixed(0)} ms`);
console.log('nodes  boxes  arrows  layout ms  load average (1, 5, 15 min)');
for (const size of [100, 300, 1000]) {
  const graph = generatedGraph(size);
  const view = buildView(graph, { pipeline: '__default__', tags: [], collapsed: [] });
  const started = performance.now();
  await layoutView(view, elk);
  const elapsed = performance.now() - started;
  console.log(
    `${String(size).padStart(5)}  ${String(view.boxes.length).padStart(5)}  ${String(view.edges.length).padStart(6)}  ${elapsed.toFixed(0).padStart(9)}  ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
}
