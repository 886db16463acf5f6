import type { VizGraph } from './graph.ts';
import { defaultViewOptions, LayoutCache } from './layout-cache.ts';
import { readPageAssets, renderPage } from './page-html.ts';
import type { RunHistory } from './run-history.ts';

/**
 * The pipeline page as one self-contained HTML file (`sluice viz build`): the graph, the latest
 * run from the run store, the default view's layout computed ahead, and ELK for the other views.
 * It fetches nothing, so it works from `file://` and can be published as it is.
 */
export async function buildStaticPage(
  graph: VizGraph,
  history: RunHistory,
  options: { layoutCacheFolder?: string | undefined } = {},
): Promise<string> {
  const assets = readPageAssets({ withElk: true });
  const layouts = new LayoutCache(graph, options.layoutCacheFolder);
  let layout;
  try {
    layout = await layouts.layout(defaultViewOptions(graph));
  } finally {
    await layouts.close();
  }
  const runs = await history.list();
  const run = runs[0] === undefined ? null : ((await history.get(runs[0].runId)) ?? null);
  return renderPage({ graph, runs: run === null ? [] : [runs[0]!], run, live: false, layout }, assets);
}
