import type { VizGraph } from './graph.ts';

/** What the page shows of the graph: one pipeline, maybe some tags, some namespaces collapsed. */
export interface ViewOptions {
  readonly pipeline: string;
  /** Nodes with any of these tags (and their datasets); empty for all. */
  readonly tags: readonly string[];
  /** Namespaces drawn as one box each. */
  readonly collapsed: readonly string[];
}

/** One box of the flowchart: a node, a dataset, or a collapsed namespace. */
export interface ViewBox {
  readonly id: string;
  readonly kind: 'node' | 'dataset' | 'parameters' | 'namespace';
  readonly label: string;
  /** The layer's index in `graph.layers`, or -1. */
  readonly layer: number;
  /** For a collapsed namespace: the ids of the nodes inside. */
  readonly members: readonly string[];
}

export interface View {
  readonly key: string;
  readonly boxes: readonly ViewBox[];
  readonly edges: readonly { readonly source: string; readonly target: string }[];
}

/** A stable key for the view options: the page reuses a layout computed ahead for the same key. */
export function viewKey(options: ViewOptions): string {
  return JSON.stringify([options.pipeline, [...options.tags].sort(), [...options.collapsed].sort()]);
}

export function namespaceId(namespace: string): string {
  return `namespace:${namespace}`;
}

/** Every namespace of the graph's nodes, nested ones included (`a`, `a.b`), sorted. */
export function namespacesOf(graph: VizGraph): string[] {
  const found = new Set<string>();
  for (const node of graph.nodes) {
    if (node.namespace === null) continue;
    const parts = node.namespace.split('.');
    for (let i = 1; i <= parts.length; i++) found.add(parts.slice(0, i).join('.'));
  }
  return [...found].sort();
}

/** The outermost collapsed namespace holding `namespace`, if any. */
function collapsedContainer(namespace: string | null, collapsed: ReadonlySet<string>): string | undefined {
  if (namespace === null || collapsed.size === 0) return undefined;
  const parts = namespace.split('.');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    if (collapsed.has(prefix)) return prefix;
  }
  return undefined;
}

/**
 * The boxes and arrows for `options`: the pipeline's nodes (those with a chosen tag), the datasets
 * they read and write, collapsed namespaces merged into one box with the datasets internal to them.
 * Order follows the graph's, so that the layout is the same every time for the same options.
 */
export function buildView(graph: VizGraph, options: ViewOptions): View {
  const collapsed = new Set(options.collapsed);
  const pipeline =
    graph.pipelines.find((candidate) => candidate.name === options.pipeline) ?? graph.pipelines[0];
  const inPipeline = new Set(pipeline?.nodeIds ?? []);
  const tags = new Set(options.tags);
  const layerIndex = new Map(graph.layers.map((layer, index) => [layer, index]));
  const representative = new Map<string, string>();
  const boxes: ViewBox[] = [];
  const namespaceBoxes = new Map<string, { id: string; members: string[] }>();

  for (const node of graph.nodes) {
    if (!inPipeline.has(node.id)) continue;
    if (tags.size > 0 && !node.tags.some((tag) => tags.has(tag))) continue;
    const container = collapsedContainer(node.namespace, collapsed);
    if (container === undefined) {
      representative.set(node.id, node.id);
      boxes.push({ id: node.id, kind: 'node', label: node.name, layer: -1, members: [] });
      continue;
    }
    let box = namespaceBoxes.get(container);
    if (box === undefined) {
      box = { id: namespaceId(container), members: [] };
      namespaceBoxes.set(container, box);
      boxes.push({ id: box.id, kind: 'namespace', label: container, layer: -1, members: box.members });
    }
    box.members.push(node.id);
    representative.set(node.id, box.id);
  }

  const used = new Set<string>();
  for (const edge of graph.edges) {
    if (representative.has(edge.source)) used.add(edge.target);
    if (representative.has(edge.target)) used.add(edge.source);
  }
  for (const dataset of graph.datasets) {
    if (!used.has(dataset.id)) continue;
    const container = collapsedContainer(dataset.namespace, collapsed);
    if (container !== undefined && namespaceBoxes.has(container)) {
      representative.set(dataset.id, namespaceId(container));
      continue;
    }
    representative.set(dataset.id, dataset.id);
    const layer = dataset.layer === null ? -1 : (layerIndex.get(dataset.layer) ?? -1);
    boxes.push({ id: dataset.id, kind: dataset.kind, label: dataset.name, layer, members: [] });
  }

  const edges: { source: string; target: string }[] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    const source = representative.get(edge.source);
    const target = representative.get(edge.target);
    if (source === undefined || target === undefined || source === target) continue;
    const key = `${source}\u0000${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ source, target });
  }
  return { key: viewKey(options), boxes, edges };
}
