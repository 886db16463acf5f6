import type { NodeRunState, VizDataset, VizGraph, VizNode, VizRun, VizStepHook } from '../graph.ts';
import { formatDuration, h } from './dom.ts';

/** What the panel can ask the page to do. */
export interface PanelActions {
  select(id: string): void;
  expand(namespace: string): void;
  collapse(namespace: string): void;
  close(): void;
}

/**
 * The side panel: everything known about the selected node, dataset or namespace. It sits over
 * the flowchart (the drawing keeps its size when it opens), and is rebuilt from text only.
 */
export class Panel {
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  readonly #nodes: Map<string, VizNode>;
  readonly #datasets: Map<string, VizDataset>;

  constructor(
    container: HTMLElement,
    private readonly graph: VizGraph,
    private readonly actions: PanelActions,
  ) {
    this.#nodes = new Map(graph.nodes.map((node) => [node.id, node]));
    this.#datasets = new Map(graph.datasets.map((dataset) => [dataset.id, dataset]));
    const close = h('button', {
      className: 'close',
      text: '×',
      attrs: { type: 'button', 'aria-label': 'Close the panel (Escape)' },
    });
    close.addEventListener('click', () => this.actions.close());
    this.#body = h('div', { className: 'panel-body' });
    this.element = h('aside', { className: 'panel', attrs: { 'aria-label': 'Details', hidden: '' } }, [
      close,
      this.#body,
    ]);
    container.append(this.element);
  }

  get open(): boolean {
    return !this.element.hasAttribute('hidden');
  }

  hide(): void {
    this.element.setAttribute('hidden', '');
  }

  /** Shows the element with `id` (a node, dataset or collapsed namespace) in the light of `run`. */
  show(id: string, run: VizRun | null): void {
    const node = this.#nodes.get(id);
    const dataset = this.#datasets.get(id);
    const content =
      node !== undefined
        ? this.#node(node, run)
        : dataset !== undefined
          ? this.#dataset(dataset, run)
          : id.startsWith('namespace:')
            ? this.#namespace(id.slice('namespace:'.length), run)
            : [h('p', { text: 'Nothing selected.' })];
    this.#body.replaceChildren(...content);
    this.element.removeAttribute('hidden');
  }

  #node(node: VizNode, run: VizRun | null): HTMLElement[] {
    const state = run?.nodes[node.name];
    const sections: HTMLElement[] = [
      h('p', { className: 'kind', text: 'node' }),
      h('h2', { text: node.name }),
      fields([
        ['function', node.functionName],
        [
          'source',
          node.source === null ? 'unknown' : `${node.source.file}:${node.source.line}:${node.source.column}`,
        ],
        ['namespace', node.namespace ?? '—'],
        ['pipelines', node.pipelines.join(', ')],
        ['tags', node.tags.length === 0 ? '—' : node.tags.join(', ')],
        ['retries', node.retries ?? 'none'],
      ]),
      this.#links('Inputs', node.inputs),
      this.#links('Outputs', node.outputs),
    ];
    if (node.parameters.length > 0) {
      sections.push(
        h('h3', { text: 'Parameters' }),
        h(
          'dl',
          { className: 'parameters' },
          node.parameters.flatMap((parameter) => [
            h('dt', { text: parameter.name }),
            h('dd', {}, [h('pre', { text: json(parameter.value) })]),
          ]),
        ),
      );
    }
    sections.push(...stepHookSection(node));
    if (node.namespace !== null) {
      const top = node.namespace.split('.')[0]!;
      const collapse = h('button', { text: `Collapse namespace ${top}`, attrs: { type: 'button' } });
      collapse.addEventListener('click', () => this.actions.collapse(top));
      sections.push(collapse);
    }
    sections.push(...runSection(state, run));
    sections.push(...annotationSection(run, node.id));
    return sections;
  }

  #dataset(dataset: VizDataset, run: VizRun | null): HTMLElement[] {
    const description = { ...dataset.description };
    const filepath = description.filepath;
    delete description.filepath;
    delete description.type;
    const producers = this.graph.edges
      .filter((edge) => edge.target === dataset.id)
      .map((edge) => edge.source);
    const consumers = this.graph.edges
      .filter((edge) => edge.source === dataset.id)
      .map((edge) => edge.target);
    const sections: HTMLElement[] = [
      h('p', { className: 'kind', text: dataset.kind === 'parameters' ? 'parameters' : 'dataset' }),
      h('h2', { text: dataset.name }),
      fields([
        ['type', dataset.type],
        ['filepath', typeof filepath === 'string' ? filepath : '—'],
        ['layer', dataset.layer ?? '—'],
        ['pipelines', dataset.pipelines.join(', ')],
      ]),
    ];
    if (dataset.kind === 'parameters')
      sections.push(h('h3', { text: 'Value' }), h('pre', { text: json(dataset.value) }));
    else if (Object.keys(description).length > 0)
      sections.push(h('h3', { text: 'Settings' }), h('pre', { text: json(description) }));
    sections.push(this.#idLinks('Written by', producers), this.#idLinks('Read by', consumers));
    const recorded = run?.datasets?.[dataset.name];
    sections.push(h('h3', { text: 'Last run' }));
    if (recorded === undefined)
      sections.push(
        h('p', {
          className: 'muted',
          text: run === null ? 'no runs yet' : 'nothing recorded for this dataset',
        }),
      );
    else sections.push(h('pre', { text: json(recorded) }));
    sections.push(...annotationSection(run, dataset.id));
    return sections;
  }

  #namespace(namespace: string, run: VizRun | null): HTMLElement[] {
    const members = this.graph.nodes.filter(
      (node) => node.namespace === namespace || node.namespace?.startsWith(`${namespace}.`),
    );
    const expand = h('button', { text: 'Expand', attrs: { type: 'button' } });
    expand.addEventListener('click', () => this.actions.expand(namespace));
    const counts = new Map<string, number>();
    for (const member of members) {
      const status = run?.nodes[member.name]?.status ?? 'not run';
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    return [
      h('p', { className: 'kind', text: 'namespace' }),
      h('h2', { text: namespace }),
      expand,
      fields([...counts.entries()].map(([status, count]) => [status, String(count)])),
      this.#idLinks(
        'Nodes',
        members.map((member) => member.id),
      ),
    ];
  }

  #links(title: string, names: readonly string[]): HTMLElement {
    return this.#idLinks(
      title,
      names.map((name) => `dataset:${name.split('@')[0]}`),
      names,
    );
  }

  #idLinks(title: string, ids: readonly string[], labels?: readonly string[]): HTMLElement {
    const list = h('ul', { className: 'links' });
    ids.forEach((id, index) => {
      const button = h('button', {
        className: 'link',
        text: labels?.[index] ?? id.slice(id.indexOf(':') + 1),
        attrs: { type: 'button' },
      });
      button.addEventListener('click', () => this.actions.select(id));
      list.append(h('li', {}, [button]));
    });
    if (ids.length === 0) list.append(h('li', { className: 'muted', text: 'none' }));
    return h('section', {}, [h('h3', { text: title }), list]);
  }
}

function runSection(state: NodeRunState | undefined, run: VizRun | null): HTMLElement[] {
  const title = h('h3', { text: 'Last run' });
  if (run === null) return [title, h('p', { className: 'muted', text: 'no runs yet' })];
  if (state === undefined)
    return [title, h('p', { className: 'muted', text: `not part of run ${run.runId}` })];
  const rows: [string, string][] = [
    ['run', run.runId],
    ['status', state.status],
  ];
  if (state.durationMs !== undefined) rows.push(['duration', formatDuration(state.durationMs)]);
  if (state.attempts !== undefined) rows.push(['attempts', String(state.attempts)]);
  const sections = [title, fields(rows)];
  if (state.message !== undefined)
    sections.push(h('pre', { className: `message ${state.status}`, text: state.message }));
  return sections;
}

/** Each kind's hooks in the order a run calls them, each with where it was set. */
function stepHookSection(node: VizNode): HTMLElement[] {
  const kinds = Object.entries(node.stepHooks).filter(([, hooks]) => hooks.length > 0);
  const title = h('h3', { text: 'Step hooks' });
  if (kinds.length === 0) return [title, h('p', { className: 'muted', text: 'none' })];
  return [
    title,
    h(
      'dl',
      { className: 'fields step-hooks' },
      kinds.flatMap(([kind, hooks]) => [
        h('dt', { text: kind }),
        h(
          'dd',
          {},
          hooks.map((hook) =>
            h('div', { className: 'step-hook', attrs: { 'data-source': hook.source } }, [
              h('span', { className: 'hook', text: hook.hook }),
              h('span', { className: 'from', text: stepHookOrigin(hook) }),
            ]),
          ),
        ),
      ]),
    ),
  ];
}

/** `node option`, `pipeline default`, or the hooks.yml entry and where it is written. */
function stepHookOrigin(hook: VizStepHook): string {
  if (hook.source === 'node') return 'node option';
  if (hook.source === 'pipeline-default') return 'pipeline default';
  const entry = hook.entry ?? hook.source;
  return hook.location === undefined ? `hooks.yml ${entry}` : `${entry} · ${hook.location}`;
}

function annotationSection(run: VizRun | null, id: string): HTMLElement[] {
  const notes = run?.annotations?.[id];
  if (notes === undefined) return [];
  return [h('h3', { text: 'Notes from plugins' }), fields(Object.entries(notes))];
}

function fields(rows: readonly (readonly [string, string])[]): HTMLElement {
  return h(
    'dl',
    { className: 'fields' },
    rows.flatMap(([name, value]) => [h('dt', { text: name }), h('dd', { text: value })]),
  );
}

function json(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
