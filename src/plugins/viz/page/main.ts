/**
 * The page's entry point (bundled by scripts/build-viz-page.ts). It reads the data the HTML
 * carries, lays the flowchart out, and when served by `sluice viz` follows runs live.
 */
import type { VizEvent, VizPageData, VizRun } from '../graph.ts';
import type { ElkEngine, Layout } from '../layout.ts';
import { layoutView } from '../layout.ts';
import type { ViewOptions } from '../view.ts';
import { buildView, viewKey } from '../view.ts';
import { App, initTheme } from './app.ts';

declare global {
  interface Window {
    /** ELK, present in a static export (elk-entry.ts); the live page asks the server instead. */
    SluiceElk?: new () => ElkEngine;
  }
}

function pageData(): VizPageData {
  const script = document.getElementById('sluice-viz-data');
  return JSON.parse(script?.textContent ?? 'null') as VizPageData;
}

function layoutSource(data: VizPageData): (options: ViewOptions) => Promise<Layout> {
  const ahead = data.layout as Layout | null;
  const cache = new Map<string, Layout>();
  if (ahead !== null && ahead !== undefined) cache.set(ahead.key, ahead);
  let elk: ElkEngine | undefined;
  return async (options) => {
    const key = viewKey(options);
    const known = cache.get(key);
    if (known !== undefined) return known;
    let layout: Layout;
    if (data.live) {
      const response = await fetch(`api/layout?view=${encodeURIComponent(key)}`);
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      layout = (await response.json()) as Layout;
    } else {
      if (window.SluiceElk === undefined) throw new Error('this page carries no layout engine');
      elk ??= new window.SluiceElk();
      layout = await layoutView(buildView(data.graph, options), elk);
    }
    cache.set(key, layout);
    return layout;
  };
}

function follow(app: App): void {
  const stream = new EventSource('api/stream');
  stream.addEventListener('snapshot', (message) => {
    const run = JSON.parse((message as MessageEvent<string>).data) as VizRun | null;
    if (run !== null) app.resume(run);
  });
  stream.addEventListener('viz', (message) => {
    app.receive(JSON.parse((message as MessageEvent<string>).data) as VizEvent);
  });
  stream.addEventListener('open', () => {
    document.body.dataset.stream = 'open';
  });
  stream.addEventListener('error', () => {
    document.body.dataset.stream = 'closed';
  });
}

initTheme();
const data = pageData();
const app = new App(document.getElementById('app')!, data, layoutSource(data));
void app.start().then(() => {
  if (data.live) follow(app);
});
