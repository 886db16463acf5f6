import type { NodeRunState, VizEvent, VizPageData, VizRun, VizRunSummary } from '../graph.ts';
import type { Layout } from '../layout.ts';
import { applyEvent } from '../run-state.ts';
import type { ViewOptions } from '../view.ts';
import { buildView, namespaceId, namespacesOf } from '../view.ts';
import { h } from './dom.ts';
import { GraphView } from './graph-view.ts';
import { Minimap } from './minimap.ts';
import { Panel } from './panel.ts';

/** Lays out a view: the server's `/api/layout` when live, ELK in the page for a static export. */
export type LayoutSource = (options: ViewOptions) => Promise<Layout>;

/**
 * The page: toolbar, flowchart, minimap and side panel, wired together. It shows one run at a
 * time: the live one as events stream in, or one picked from the run history.
 */
export class App {
  readonly #data: VizPageData;
  readonly #graph: GraphView;
  readonly #panel: Panel;
  readonly #minimap: Minimap;
  readonly #status: HTMLElement;
  readonly #runSelect: HTMLSelectElement;
  readonly #search: HTMLInputElement;
  readonly #namespaceList: HTMLElement;
  readonly #nameOf = new Map<string, string>();
  readonly #namespaces: string[];
  #options: ViewOptions;
  #run: VizRun | null;
  #liveRun: VizRun | null = null;
  #runs: VizRunSummary[];
  #selected: string | null = null;
  #matches: string[] = [];
  #matchIndex = -1;
  #drawn = 0;

  constructor(
    root: HTMLElement,
    data: VizPageData,
    private readonly layoutOf: LayoutSource,
  ) {
    this.#data = data;
    this.#run = data.run;
    this.#runs = [...data.runs];
    for (const node of data.graph.nodes) this.#nameOf.set(node.id, node.name);
    this.#namespaces = namespacesOf(data.graph);
    this.#options = { pipeline: data.graph.pipelines[0]?.name ?? '__default__', tags: [], collapsed: [] };

    this.#status = h('p', { className: 'run-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.#runSelect = h('select', { attrs: { 'aria-label': 'Run' } });
    this.#search = h('input', {
      attrs: {
        type: 'search',
        placeholder: 'Search nodes and datasets (/)',
        'aria-label': 'Search nodes and datasets',
      },
    });
    this.#namespaceList = h('div', { className: 'menu-list' });
    const toolbar = this.#toolbar();
    const stage = h('main', { className: 'stage' });
    this.#graph = new GraphView(
      stage,
      {
        select: (id) => this.select(id),
        expand: (namespace) => this.setCollapsed(namespace, false),
        transformed: () => this.#minimap?.update(),
      },
      data.graph.layers,
    );
    this.#minimap = new Minimap(stage, this.#graph, (id) => this.#statusOf(id));
    this.#panel = new Panel(stage, data.graph, {
      select: (id) => this.select(id, true),
      expand: (namespace) => this.setCollapsed(namespace, false),
      collapse: (namespace) => this.setCollapsed(namespace, true),
      close: () => this.select(null),
    });
    root.replaceChildren(toolbar, stage);
    this.#bindKeys();
    this.#renderRuns();
  }

  /** Lays out and draws the current view; resolves once the flowchart can be used. */
  async start(): Promise<void> {
    await this.#redraw(true);
  }

  async #redraw(fit: boolean): Promise<void> {
    const drawing = ++this.#drawn;
    document.body.dataset.state = 'layout';
    const view = buildView(this.#data.graph, this.#options);
    let layout: Layout;
    try {
      layout = await this.layoutOf(this.#options);
    } catch (error) {
      this.#status.textContent = `Layout failed: ${(error as Error).message}`;
      document.body.dataset.state = 'error';
      return;
    }
    if (drawing !== this.#drawn) return; // a newer view was asked for meanwhile
    this.#graph.draw(view, layout, fit);
    this.#showRun();
    this.#applySearch();
    this.#minimap.update();
    document.body.dataset.state = 'ready';
  }

  #toolbar(): HTMLElement {
    const graph = this.#data.graph;
    const pipelineSelect = h(
      'select',
      { attrs: { 'aria-label': 'Pipeline' } },
      graph.pipelines.map((pipeline) =>
        h('option', { text: pipeline.name, attrs: { value: pipeline.name } }),
      ),
    );
    pipelineSelect.addEventListener('change', () => {
      this.#options = { ...this.#options, pipeline: pipelineSelect.value };
      void this.#redraw(true);
    });
    const tags = [...new Set(graph.nodes.flatMap((node) => node.tags))].sort();
    const tagList = h('div', { className: 'menu-list' });
    for (const tag of tags) {
      const box = h('input', { attrs: { type: 'checkbox', value: tag } });
      box.addEventListener('change', () => {
        const chosen = new Set(this.#options.tags);
        if (box.checked) chosen.add(tag);
        else chosen.delete(tag);
        this.#options = { ...this.#options, tags: [...chosen].sort() };
        void this.#redraw(true);
      });
      tagList.append(h('label', {}, [box, document.createTextNode(` ${tag}`)]));
    }
    if (tags.length === 0) tagList.append(h('p', { className: 'muted', text: 'no tags' }));
    this.#renderNamespaceList();

    this.#search.addEventListener('input', () => this.#applySearch());
    this.#search.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        this.#nextMatch(event.shiftKey ? -1 : 1);
      } else if (event.key === 'Escape') {
        this.#search.value = '';
        this.#applySearch();
        this.#graph.svg.focus();
      }
    });
    this.#runSelect.addEventListener('change', () => void this.#openRun(this.#runSelect.value));

    const button = (text: string, label: string, action: () => void) => {
      const element = h('button', { text, attrs: { type: 'button', 'aria-label': label, title: label } });
      element.addEventListener('click', action);
      return element;
    };
    const themeButton = button('◐', 'Switch light and dark', () => toggleTheme());
    return h('header', { className: 'toolbar' }, [
      h('h1', { text: graph.projectName }),
      pipelineSelect,
      h('details', { className: 'menu' }, [h('summary', { text: 'Tags' }), tagList]),
      h('details', { className: 'menu' }, [h('summary', { text: 'Namespaces' }), this.#namespaceList]),
      this.#search,
      button('⤢', 'Fit to screen (0)', () => this.#graph.fit()),
      button('+', 'Zoom in (+)', () => this.#graph.zoomBy(1.25)),
      button('−', 'Zoom out (-)', () => this.#graph.zoomBy(0.8)),
      this.#runSelect,
      this.#status,
      themeButton,
    ]);
  }

  #renderNamespaceList(): void {
    const collapsed = new Set(this.#options.collapsed);
    const rows: HTMLElement[] = [];
    for (const namespace of this.#namespaces) {
      const box = h('input', { attrs: { type: 'checkbox', 'data-namespace': namespace } });
      box.checked = !collapsed.has(namespace);
      box.addEventListener('change', () => this.setCollapsed(namespace, !box.checked));
      const depth = namespace.split('.').length - 1;
      rows.push(
        h('label', { attrs: { style: `padding-left:${depth}em` } }, [
          box,
          document.createTextNode(` ${namespace}`),
        ]),
      );
    }
    if (rows.length === 0) rows.push(h('p', { className: 'muted', text: 'no namespaces' }));
    this.#namespaceList.replaceChildren(...rows);
  }

  /** Collapses a namespace into one box, or expands it into its nodes. */
  setCollapsed(namespace: string, collapse: boolean): void {
    const set = new Set(this.#options.collapsed);
    if (collapse) set.add(namespace);
    else set.delete(namespace);
    this.#options = { ...this.#options, collapsed: [...set].sort() };
    if (collapse && this.#selected !== null) {
      const name = this.#nameOf.get(this.#selected);
      const node = this.#data.graph.nodes.find((candidate) => candidate.name === name);
      if (node?.namespace === namespace || node?.namespace?.startsWith(`${namespace}.`))
        this.#selected = namespaceId(namespace);
    }
    if (!collapse && this.#selected === namespaceId(namespace)) this.#selected = null;
    this.#renderNamespaceList();
    void this.#redraw(false).then(() => {
      if (this.#selected !== null && this.#graph.has(this.#selected)) this.select(this.#selected, true);
      else this.select(null);
    });
  }

  /** Selects a box (or nothing): outlines it and opens the side panel on it. */
  select(id: string | null, center = false, focus = true): void {
    this.#selected = id;
    this.#graph.select(id && this.#graph.has(id) ? id : null, focus && id !== null);
    if (id === null) {
      this.#panel.hide();
      return;
    }
    this.#panel.show(id, this.#run);
    if (center) this.#graph.centerOn(id);
  }

  #applySearch(): void {
    const query = this.#search.value.trim().toLowerCase();
    this.#matchIndex = -1;
    if (query === '') {
      this.#matches = [];
      this.#graph.highlight(null);
      return;
    }
    const matches = new Set<string>();
    const ordered: string[] = [];
    const visible = (id: string, namespace: string | null): string | undefined => {
      if (this.#graph.has(id)) return id;
      const container =
        namespace === null
          ? undefined
          : this.#options.collapsed.find((ns) => namespace === ns || namespace.startsWith(`${ns}.`));
      return container === undefined ? undefined : namespaceId(container);
    };
    for (const item of [...this.#data.graph.nodes, ...this.#data.graph.datasets]) {
      if (!item.name.toLowerCase().includes(query)) continue;
      const shown = visible(item.id, item.namespace);
      if (shown === undefined || matches.has(shown)) continue;
      matches.add(shown);
      ordered.push(shown);
    }
    this.#matches = ordered;
    this.#graph.highlight(matches);
  }

  #nextMatch(direction: 1 | -1): void {
    if (this.#matches.length === 0) return;
    this.#matchIndex = (this.#matchIndex + direction + this.#matches.length) % this.#matches.length;
    const id = this.#matches[this.#matchIndex]!;
    // The focus stays in the search box, so that Enter goes on to the next match.
    this.select(id, true, false);
  }

  #bindKeys(): void {
    document.addEventListener('keydown', (event) => {
      const typing = event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement;
      if (event.key === '/' && !typing) {
        event.preventDefault();
        this.#search.focus();
      } else if (event.key === 'Escape' && !typing) {
        this.select(null);
        this.#graph.svg.focus();
      }
    });
  }

  /** An event from the live stream: the live run advances; the page follows it. */
  receive(event: VizEvent): void {
    const next = applyEvent(this.#liveRun, event);
    if (next === this.#liveRun) return;
    const following =
      this.#run === null || this.#run.runId === this.#liveRun?.runId || event.type === 'runStarted';
    this.#liveRun = next;
    if (next !== null) {
      const summary: VizRunSummary = {
        runId: next.runId,
        pipelineName: next.pipelineName,
        status: next.status,
        startedAt: next.startedAt,
        durationMs: next.durationMs,
      };
      this.#runs = [summary, ...this.#runs.filter((run) => run.runId !== next.runId)];
      this.#renderRuns();
    }
    if (following) {
      this.#run = next;
      this.#runSelect.value = next?.runId ?? '';
      this.#showRun();
    }
  }

  /** The state of a run in progress when the page connected. */
  resume(run: VizRun): void {
    this.#liveRun = run;
    this.#run = run;
    if (!this.#runs.some((known) => known.runId === run.runId)) this.#runs.unshift(run);
    this.#renderRuns();
    this.#runSelect.value = run.runId;
    this.#showRun();
  }

  async #openRun(runId: string): Promise<void> {
    if (runId === this.#liveRun?.runId) this.#run = this.#liveRun;
    else if (runId === this.#data.run?.runId) this.#run = this.#data.run;
    else if (this.#data.live) {
      const response = await fetch(`api/runs/${encodeURIComponent(runId)}`);
      if (!response.ok) {
        this.#status.textContent = `Could not open run ${runId} (${response.status}).`;
        return;
      }
      this.#run = (await response.json()) as VizRun;
    }
    this.#showRun();
  }

  #renderRuns(): void {
    const options = this.#runs.map((run) =>
      h('option', {
        text: `${run.runId} · ${run.pipelineName} · ${run.status}`,
        attrs: { value: run.runId },
      }),
    );
    if (options.length === 0) options.push(h('option', { text: 'no runs yet', attrs: { value: '' } }));
    const current = this.#run?.runId ?? '';
    this.#runSelect.replaceChildren(...options);
    this.#runSelect.value = current;
  }

  #showRun(): void {
    const run = this.#run;
    const states: Readonly<Record<string, NodeRunState>> = run?.nodes ?? {};
    this.#graph.showStatus(states, (id) => this.#nameOf.get(id) ?? id);
    this.#minimap.update();
    if (run === null) {
      this.#status.textContent = 'no runs yet';
      document.body.dataset.run = '';
    } else {
      const counts = new Map<string, number>();
      for (const state of Object.values(run.nodes))
        counts.set(state.status, (counts.get(state.status) ?? 0) + 1);
      const parts = ['running', 'done', 'failed', 'skipped', 'queued']
        .filter((status) => counts.has(status))
        .map((status) => `${counts.get(status)} ${status}`);
      this.#status.textContent = `${run.status} · ${parts.join(', ')}`;
      document.body.dataset.run = run.status;
    }
    if (this.#selected !== null && this.#panel.open) this.#panel.show(this.#selected, run);
  }

  #statusOf(id: string): string {
    const name = this.#nameOf.get(id);
    if (name === undefined) return id.startsWith('namespace:') ? 'namespace' : 'dataset';
    return this.#run?.nodes[name]?.status ?? 'none';
  }
}

/** Light or dark: the system's choice until the user picks one, remembered where storage works. */
export function initTheme(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem('sluice-viz-theme');
  } catch {
    // file:// pages may have no storage; the system's choice stands.
  }
  const dark = stored === null ? matchMedia('(prefers-color-scheme: dark)').matches : stored === 'dark';
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

function toggleTheme(): void {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  try {
    localStorage.setItem('sluice-viz-theme', next);
  } catch {
    // Not remembered: fine.
  }
}
