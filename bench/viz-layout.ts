/**
 * `npm run bench:viz`: what the layout of a page's first view costs (`sluice viz` computes it for
 * every node and dataset of the default pipeline) on generated pipelines of growing size. Each
 * figure is a fresh ELK thread, as a server that just started has: ELK's compiled Java runs cold
 * there, which is most of the cost; then the same layout again on that warmed-up thread.
 *
 * The figure to read is CPU time (process.cpuUsage over the call: the ELK thread and V8's compiler
 * and collector threads; the main thread only waits), since the machine is shared; wall time and
 * the load average are printed beside it. "one box each" is the layout before datasets were
 * stacked under their writers (LayoutOptions.stackDatasets: false), "stacked" is what the page uses.
 */
import { loadavg } from 'node:os';
import { ElkThread } from '../src/plugins/viz/elk-thread.ts';
import { layoutView } from '../src/plugins/viz/layout.ts';
import type { LayoutOptions } from '../src/plugins/viz/layout.ts';
import { buildView } from '../src/plugins/viz/view.ts';
import { generatedGraph } from '../test/plugins/viz/generated-pipeline.ts';

const sizes = (process.env.BENCH_SIZES ?? '100,300,1000').split(',').map(Number);
const modes: { name: string; options: LayoutOptions }[] = [
  { name: 'one box each', options: { stackDatasets: false } },
  { name: 'stacked', options: {} },
];

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

console.log(`node ${process.version}, load average before: ${load()}`);
console.log(
  'nodes  layout        ELK boxes  ELK arrows  first: cpu ms  wall ms  again: cpu ms  wall ms  load average (1, 5, 15 min)',
);
for (const size of sizes) {
  const view = buildView(generatedGraph(size), { pipeline: '__default__', tags: [], collapsed: [] });
  for (const { name, options } of modes) {
    const elk = new ElkThread();
    let sent = { boxes: 0, arrows: 0 };
    const counting = {
      layout: (graph: Parameters<ElkThread['layout']>[0]) => {
        sent = { boxes: graph.children?.length ?? 0, arrows: graph.edges?.length ?? 0 };
        return elk.layout(graph);
      },
    };
    const figures: string[] = [];
    for (let round = 0; round < 2; round++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      await layoutView(view, counting, options);
      figures.push(cpuMs(cpu).toFixed(0).padStart(13), (performance.now() - started).toFixed(0).padStart(7));
    }
    await elk.close();
    console.log(
      `${String(size).padStart(5)}  ${name.padEnd(12)}  ${String(sent.boxes).padStart(9)}  ${String(sent.arrows).padStart(10)}  ${figures.join('  ')}  ${load()}`,
    );
  }
}
