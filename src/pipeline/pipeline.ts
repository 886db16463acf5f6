/**
 * A pipeline: a validated set of nodes that forms a DAG through the datasets they share. Immutable;
 * every filter and composition returns a new pipeline. Semantics follow Kedro 1.5's `Pipeline`.
 */
import { didYouMean, nearest } from '../suggest.ts';
import {
  DuplicateNodeNameError,
  EmptyPipelineError,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from './errors.ts';
import { DependencyGraph } from './graph.ts';
import { computeDepths, groupLayers } from './layers.ts';
import { Node } from './node.ts';
import type { NodeBehaviour, NodeBehaviourName } from './options.ts';
import { sortedNames } from './ordering.ts';
import { isTranscoded } from './transcoding.ts';

/** The criteria of {@link Pipeline.filter}. Each non-empty one is applied to the original pipeline. */
export interface PipelineFilter {
  /** Nodes with any of these tags. */
  tags?: readonly string[];
  /** These nodes and everything downstream of them. */
  fromNodes?: readonly string[];
  /** These nodes and everything upstream of them. */
  toNodes?: readonly string[];
  /** Exactly these nodes (full names). */
  nodeNames?: readonly string[];
  /** The consumers of these datasets and everything downstream of them. */
  fromInputs?: readonly string[];
  /** The producers of these datasets and everything upstream of them. */
  toOutputs?: readonly string[];
  /** Nodes in these namespaces or namespaces nested in them. */
  nodeNamespaces?: readonly string[];
}

/** A node as {@link Pipeline.toJSON} describes it. */
export interface NodeJSON {
  name: string;
  shortName: string;
  namespace: string | null;
  tags: string[];
  inputs: string[];
  outputs: string[];
}

/** One dependency: `from` produces `dataset` (transcoding stripped), `to` consumes it. */
export interface EdgeJSON {
  from: string;
  to: string;
  dataset: string;
}

/** The machine-readable form of a pipeline, for the DAG page and the distributed runner. */
export interface PipelineJSON {
  /** Nodes in run order. */
  nodes: NodeJSON[];
  /** Node-to-node dependencies, in run order of the consumer, then input order. */
  edges: EdgeJSON[];
  /** Full node names per topological layer. */
  layers: string[][];
  /** Free inputs, sorted. */
  inputs: string[];
  /** Free outputs, sorted. */
  outputs: string[];
  /** Every tag used by a node, sorted. */
  tags: string[];
  /** Every namespace holding a node, directly or through a nested namespace, sorted. */
  namespaces: string[];
}

/**
 * A DAG of nodes wired by dataset names.
 *
 * Construction validates, in Kedro's order: unique full names ({@link DuplicateNodeNameError}), no
 * dataset used both plain and transcoded ({@link TranscodingError}), one producer per dataset
 * ({@link OutputNotUniqueError}) and no cycle ({@link CircularDependencyError}). Node definitions
 * were already checked by {@link node}. Construction is linear in nodes plus edges.
 */
export class Pipeline {
  readonly #graph: DependencyGraph;
  readonly #depth: Int32Array;
  #layers: readonly (readonly Node[])[] | undefined;
  #runOrder: readonly Node[] | undefined;
  #allInputs: ReadonlySet<string> | undefined;
  #allOutputs: ReadonlySet<string> | undefined;

  /** Builds a pipeline from nodes and/or pipelines (whose nodes are taken over), or copies a pipeline. */
  constructor(items: Iterable<Node | Pipeline> = []) {
    const nodes: Node[] = [];
    for (const item of items) {
      if (item instanceof Node) nodes.push(item);
      else if (item instanceof Pipeline) for (const node of item.#graph.nodes) nodes.push(node);
      else throw new TypeError(`A pipeline is made of nodes and pipelines, not ${String(item)}.`);
    }
    this.#graph = new DependencyGraph(nodes);
    this.#depth = computeDepths(this.#graph);
  }

  /** The union of many pipelines in one linear pass (Kedro's `sum(pipelines)`, without its quadratic cost). */
  static sum(pipelines: Iterable<Pipeline>): Pipeline {
    const firstByName = new Map<string, Node>();
    const nodes: Node[] = [];
    for (const pipeline of pipelines) {
      for (const node of pipeline.#graph.nodes) {
        const seen = firstByName.get(node.name);
        if (seen === undefined) firstByName.set(node.name, node);
        // The same node twice is kept once; a different node under a taken name is kept so that
        // construction reports the duplicate name.
        else if (seen === node || seen.identityKey === node.identityKey) continue;
        nodes.push(node);
      }
    }
    return new Pipeline(nodes);
  }

  /** Number of nodes. */
  get size(): number {
    return this.#graph.nodes.length;
  }

  /** The nodes in run order: the layers flattened. */
  get nodes(): readonly Node[] {
    this.#runOrder ??= this.layers.flat();
    return this.#runOrder;
  }

  /** Topological layers: each layer only depends on earlier ones; sorted by full name in code-point order. */
  get layers(): readonly (readonly Node[])[] {
    this.#layers ??= groupLayers(this.#graph.nodes, this.#depth);
    return this.#layers;
  }

  /** Iterates the nodes in run order, so `new Pipeline(other)` and `for (const node of pipeline)` work. */
  [Symbol.iterator](): Iterator<Node> {
    return this.nodes[Symbol.iterator]();
  }

  /** Whether the pipeline has a node with this full name. */
  hasNode(name: string): boolean {
    return this.#graph.indexByName.has(name);
  }

  /**
   * The node with this full name.
   *
   * @throws {@link UnknownNodeError} when there is none.
   */
  getNode(name: string): Node {
    const index = this.#graph.indexByName.get(name);
    if (index === undefined) throw this.#unknownNodes([name]);
    return this.#graph.nodes[index]!;
  }

  /** The node that produces a dataset (`ds` and `ds@fmt` are the same dataset), if any. */
  producerOf(dataset: string): Node | undefined {
    const id = this.#graph.datasetId(dataset);
    const index = id === undefined ? -1 : this.#graph.producer[id]!;
    return index === -1 ? undefined : this.#graph.nodes[index];
  }

  /** The nodes that consume a dataset (`ds` and `ds@fmt` are the same dataset), in declaration order. */
  consumersOf(dataset: string): Node[] {
    const id = this.#graph.datasetId(dataset);
    return id === undefined ? [] : this.#toNodes(this.#graph.consumersOf(id));
  }

  /** The nodes a node directly depends on, each once. */
  parentsOf(node: Node | string): Node[] {
    const { inputStart, inputIds, producer } = this.#graph;
    const i = this.#indexOfOwn(node);
    const parents = new Set<number>();
    for (let k = inputStart[i]!; k < inputStart[i + 1]!; k++)
      if (producer[inputIds[k]!] !== -1) parents.add(producer[inputIds[k]!]!);
    return this.#toNodes(parents);
  }

  /** The nodes that directly depend on a node, each once. */
  childrenOf(node: Node | string): Node[] {
    const { outputStart, outputIds } = this.#graph;
    const i = this.#indexOfOwn(node);
    const children = new Set<number>();
    for (let k = outputStart[i]!; k < outputStart[i + 1]!; k++)
      for (const c of this.#graph.consumersOf(outputIds[k]!)) children.add(c);
    return this.#toNodes(children);
  }

  // ----- dataset sets -----

  /** Every input name of every node, as written (transcoded names stay transcoded). */
  allInputs(): ReadonlySet<string> {
    this.#allInputs ??= collectNames(this.#graph.nodes, 'inputs');
    return this.#allInputs;
  }

  /** Every output name of every node, as written. */
  allOutputs(): ReadonlySet<string> {
    this.#allOutputs ??= collectNames(this.#graph.nodes, 'outputs');
    return this.#allOutputs;
  }

  /** Free inputs: what must exist before a run, `params:` entries included; no intermediates. */
  inputs(): Set<string> {
    const free = new Set<string>();
    for (const name of this.allInputs())
      if (this.#graph.producer[this.#graph.datasetId(name)!] === -1) free.add(name);
    return free;
  }

  /** Free outputs: what a run leaves behind that no node of the pipeline consumes. */
  outputs(): Set<string> {
    const free = new Set<string>();
    for (const name of this.allOutputs())
      if (!this.#graph.hasConsumers(this.#graph.datasetId(name)!)) free.add(name);
    return free;
  }

  /** Every dataset name the pipeline uses, inputs and outputs, as written. */
  datasets(): Set<string> {
    return new Set([...this.allInputs(), ...this.allOutputs()]);
  }

  // ----- filters (Kedro semantics) -----

  /**
   * Exactly the named nodes (full names).
   *
   * @throws {@link UnknownNodeError} for a name the pipeline lacks.
   * @throws {@link DuplicateNodeNameError} when a name is given twice (as Kedro does).
   */
  onlyNodes(...names: string[]): Pipeline {
    return this.#subset(this.#markNames(names));
  }

  /**
   * Nodes whose namespace is one of these or nested in one (`ns` matches `ns` and `ns.sub`, not `ns10`).
   *
   * @throws {@link UnknownNamespaceError} when a namespace matches no node.
   * @throws {@link DuplicateNodeNameError} when two namespaces select the same node (as Kedro does).
   */
  onlyNodesWithNamespaces(...namespaces: string[]): Pipeline {
    return this.#subset(this.#markNamespaces(namespaces));
  }

  /** Nodes with any of these tags. No tags, or no match, gives an empty pipeline. */
  onlyNodesWithTags(...tags: string[]): Pipeline {
    return this.#subset(this.#markTags(tags));
  }

  /**
   * The direct consumers of these datasets. A plain name matches every transcoded use of it; a
   * name with `@format` matches only that format.
   *
   * @throws {@link UnknownDatasetError} for a dataset the pipeline doesn't use.
   */
  onlyNodesWithInputs(...datasets: string[]): Pipeline {
    return this.#subset(this.#consumersMatching(datasets));
  }

  /**
   * The consumers of these datasets and everything downstream of them, never the producers of
   * the datasets themselves.
   *
   * @throws {@link UnknownDatasetError} for a dataset the pipeline doesn't use.
   */
  fromInputs(...datasets: string[]): Pipeline {
    return this.#subset(this.#graph.markDescendants(this.#consumersMatching(datasets)));
  }

  /**
   * The direct producers of these datasets (none for a free input).
   *
   * @throws {@link UnknownDatasetError} for a dataset the pipeline doesn't use.
   */
  onlyNodesWithOutputs(...datasets: string[]): Pipeline {
    return this.#subset(this.#producersMatching(datasets));
  }

  /**
   * The producers of these datasets and everything upstream of them. Empty for a free input.
   *
   * @throws {@link UnknownDatasetError} for a dataset the pipeline doesn't use.
   */
  toOutputs(...datasets: string[]): Pipeline {
    return this.#subset(this.#graph.markAncestors(this.#producersMatching(datasets)));
  }

  /**
   * These nodes and everything downstream of them.
   *
   * @throws {@link UnknownNodeError} / {@link DuplicateNodeNameError} as {@link onlyNodes} does.
   */
  fromNodes(...names: string[]): Pipeline {
    return this.#subset(this.#graph.markDescendants(marked(this.#markNames(names))));
  }

  /**
   * These nodes and everything upstream of them.
   *
   * @throws {@link UnknownNodeError} / {@link DuplicateNodeNameError} as {@link onlyNodes} does.
   */
  toNodes(...names: string[]): Pipeline {
    return this.#subset(this.#graph.markAncestors(marked(this.#markNames(names))));
  }

  /**
   * The nodes that meet every given criterion. Each criterion is applied to this pipeline and the
   * results are intersected, so the order of criteria doesn't matter. Empty criteria are ignored.
   *
   * @throws {@link EmptyPipelineError} when no node is left.
   * @throws whatever the individual filters throw, checked in Kedro's order: tags, fromNodes,
   * toNodes, nodeNames, fromInputs, toOutputs, nodeNamespaces.
   */
  filter(criteria: PipelineFilter): Pipeline {
    const graph = this.#graph;
    const selections: Uint8Array[] = [];
    const apply = (values: readonly string[] | undefined, select: (values: string[]) => Uint8Array): void => {
      if (values !== undefined && values.length > 0) selections.push(select([...values]));
    };
    apply(criteria.tags, (values) => this.#markTags(values));
    apply(criteria.fromNodes, (values) => graph.markDescendants(marked(this.#markNames(values))));
    apply(criteria.toNodes, (values) => graph.markAncestors(marked(this.#markNames(values))));
    apply(criteria.nodeNames, (values) => this.#markNames(values));
    apply(criteria.fromInputs, (values) => graph.markDescendants(this.#consumersMatching(values)));
    apply(criteria.toOutputs, (values) => graph.markAncestors(this.#producersMatching(values)));
    apply(criteria.nodeNamespaces, (values) => this.#markNamespaces(values));
    const kept = new Uint8Array(this.size).fill(1);
    for (const selection of selections) for (let i = 0; i < kept.length; i++) kept[i]! &= selection[i]!;
    if (!kept.includes(1)) {
      throw new EmptyPipelineError('Pipeline contains no nodes after applying all provided filters.', {
        hint: 'Loosen the filters: each one is applied to the whole pipeline and only nodes meeting all of them are kept.',
      });
    }
    return this.#subset(kept);
  }

  // ----- composition -----

  /** Nodes of this pipeline and of the others (Kedro's `+` and `|`). The same node is kept once. */
  union(...others: Pipeline[]): Pipeline {
    return Pipeline.sum([this, ...others]);
  }

  /** Nodes of this pipeline that are not in `other` (Kedro's `-`). */
  difference(other: Pipeline): Pipeline {
    return new Pipeline(this.#graph.nodes.filter((node) => !other.#containsEqual(node)));
  }

  /** Nodes of this pipeline that are also in `other` (Kedro's `&`). */
  intersection(other: Pipeline): Pipeline {
    return new Pipeline(this.#graph.nodes.filter((node) => other.#containsEqual(node)));
  }

  /** A copy with these tags added to every node. */
  withTags(tags: string | Iterable<string>): Pipeline {
    const list = typeof tags === 'string' ? [tags] : [...tags];
    return new Pipeline(this.#graph.nodes.map((node) => node.withTags(list)));
  }

  /**
   * A copy where every node that doesn't set a behaviour option (retries, step hooks) takes the
   * default given here; a node's own value wins, as does a default set earlier (by an inner
   * pipeline). The node records which options it inherited (`options.inheritedBehaviour`), so
   * that configuration files can rank between a node's own options and a pipeline's defaults.
   *
   * @example
   * ```ts
   * const training = new Pipeline([split, fit]).withNodeDefaults({ onFailure: pageOnCall, retries: { max: 2 } });
   * ```
   */
  withNodeDefaults(defaults: NodeBehaviour): Pipeline {
    const entries = Object.entries(defaults).filter(([, value]) => value !== undefined) as [
      NodeBehaviourName,
      unknown,
    ][];
    if (entries.length === 0) return this;
    return new Pipeline(
      this.#graph.nodes.map((node) => {
        const own = node.options as Record<string, unknown>;
        const missing = entries.filter(([name]) => own[name] === undefined);
        if (missing.length === 0) return node;
        const inheritedBehaviour = [
          ...(node.options.inheritedBehaviour ?? []),
          ...missing.map(([name]) => name),
        ];
        return node.withChanges({ ...(Object.fromEntries(missing) as NodeBehaviour), inheritedBehaviour });
      }),
    );
  }

  // ----- description -----

  /** A human-readable summary: free inputs, the nodes layer by layer, free outputs. */
  describe(): string {
    const lines = [`Pipeline with ${this.size} node(s) in ${this.layers.length} layer(s)`];
    lines.push(`Inputs: ${listOrNone(sortedNames(this.inputs()))}`);
    this.layers.forEach((layer, i) => {
      lines.push(`Layer ${i + 1}:`);
      for (const node of layer) {
        const tags = node.tags.size > 0 ? `  [${[...node.tags].join(', ')}]` : '';
        lines.push(`  ${node.name}: (${node.inputs.join(', ')}) -> (${node.outputs.join(', ')})${tags}`);
      }
    });
    lines.push(`Outputs: ${listOrNone(sortedNames(this.outputs()))}`);
    return lines.join('\n');
  }

  /** The pipeline as plain JSON data (`JSON.stringify(pipeline)` uses this). */
  toJSON(): PipelineJSON {
    const { inputStart, inputIds, producer, indexByName, datasetNames, nodes: declared } = this.#graph;
    const edges: EdgeJSON[] = [];
    const tags = new Set<string>();
    const namespaces = new Set<string>();
    for (const node of this.nodes) {
      const i = indexByName.get(node.name)!;
      for (let k = inputStart[i]!; k < inputStart[i + 1]!; k++) {
        const from = producer[inputIds[k]!]!;
        if (from !== -1)
          edges.push({ from: declared[from]!.name, to: node.name, dataset: datasetNames[inputIds[k]!]! });
      }
      for (const tag of node.tags) tags.add(tag);
      if (node.namespace !== undefined) {
        const parts = node.namespace.split('.');
        for (let depth = 1; depth <= parts.length; depth++) namespaces.add(parts.slice(0, depth).join('.'));
      }
    }
    return {
      nodes: this.nodes.map((node) => ({
        name: node.name,
        shortName: node.shortName,
        namespace: node.namespace ?? null,
        tags: [...node.tags],
        inputs: [...node.inputs],
        outputs: [...node.outputs],
      })),
      edges,
      layers: this.layers.map((layer) => layer.map((node) => node.name)),
      inputs: sortedNames(this.inputs()),
      outputs: sortedNames(this.outputs()),
      tags: sortedNames(tags),
      namespaces: sortedNames(namespaces),
    };
  }

  /** {@link describe}. */
  toString(): string {
    return this.describe();
  }

  // ----- internals -----

  /** The index of a node of this pipeline, given by name or by an equal node. */
  #indexOfOwn(node: Node | string): number {
    const name = typeof node === 'string' ? node : node.name;
    const index = this.#graph.indexByName.get(name);
    if (index === undefined || (typeof node !== 'string' && !sameNode(this.#graph.nodes[index]!, node))) {
      throw this.#unknownNodes([name]);
    }
    return index;
  }

  /** Whether this pipeline holds the node or one equal to it (same name and wiring). */
  #containsEqual(node: Node): boolean {
    const index = this.#graph.indexByName.get(node.name);
    return index !== undefined && sameNode(this.#graph.nodes[index]!, node);
  }

  #toNodes(indices: Iterable<number>): Node[] {
    return Array.from(indices, (i) => this.#graph.nodes[i]!);
  }

  /** A pipeline of the marked nodes (a mark array or a set of indices), in declaration order. */
  #subset(selection: Uint8Array | Set<number>): Pipeline {
    const isChosen =
      selection instanceof Set ? (i: number) => selection.has(i) : (i: number) => selection[i] === 1;
    return new Pipeline(this.#graph.nodes.filter((_, i) => isChosen(i)));
  }

  /**
   * Marks the named nodes, failing like Kedro's `only_nodes`: unknown names first, then a name
   * given twice (Kedro builds a pipeline with that node twice, which fails on duplicate names).
   */
  #markNames(names: readonly string[]): Uint8Array {
    const unknown = [...new Set(names)].filter((name) => !this.#graph.indexByName.has(name));
    if (unknown.length > 0) throw this.#unknownNodes(unknown);
    return this.#markIndices(names.map((name) => this.#graph.indexByName.get(name)!));
  }

  /**
   * Marks the nodes in these namespaces or nested ones, failing like Kedro: a namespace with no
   * node first, then a node selected twice through overlapping namespaces.
   */
  #markNamespaces(namespaces: readonly string[]): Uint8Array {
    const selected: number[] = [];
    const unmatched: string[] = [];
    const nodes = this.#graph.nodes;
    for (const namespace of namespaces) {
      const before = selected.length;
      for (let i = 0; i < nodes.length; i++) if (inNamespace(nodes[i]!, namespace)) selected.push(i);
      if (selected.length === before) unmatched.push(namespace);
    }
    if (unmatched.length > 0) {
      const known = new Set<string>();
      for (const node of nodes) if (node.namespace !== undefined) known.add(node.namespace);
      throw new UnknownNamespaceError(unmatched, suggestion(unmatched, known));
    }
    return this.#markIndices(selected);
  }

  /** Marks the nodes; a node listed twice is a {@link DuplicateNodeNameError}. */
  #markIndices(indices: readonly number[]): Uint8Array {
    const marks = new Uint8Array(this.size);
    let repeated: Set<string> | undefined;
    for (const i of indices) {
      if (marks[i] === 1) (repeated ??= new Set()).add(this.#graph.nodes[i]!.name);
      marks[i] = 1;
    }
    if (repeated !== undefined) throw new DuplicateNodeNameError(sortedNames(repeated));
    return marks;
  }

  #markTags(tags: readonly string[]): Uint8Array {
    const nodes = this.#graph.nodes;
    const marks = new Uint8Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) if (tags.some((tag) => nodes[i]!.tags.has(tag))) marks[i] = 1;
    return marks;
  }

  #checkDatasetsExist(datasets: readonly string[]): void {
    const missing: string[] = [];
    for (const name of new Set(datasets)) {
      const known = isTranscoded(name)
        ? this.allInputs().has(name) || this.allOutputs().has(name)
        : this.#graph.datasetIds.has(name);
      if (!known) missing.push(name);
    }
    if (missing.length === 0) return;
    const sorted = sortedNames(missing);
    throw new UnknownDatasetError(sorted, suggestion(sorted, this.datasets()));
  }

  /** Kedro's input matching: a plain name matches every transcoded use, `ds@fmt` only that one. */
  #consumersMatching(datasets: readonly string[]): Set<number> {
    this.#checkDatasetsExist(datasets);
    const matched = new Set<number>();
    for (const name of datasets) {
      const id = this.#graph.datasetId(name)!;
      for (const consumer of this.#graph.consumersOf(id)) {
        if (!isTranscoded(name) || this.#graph.nodes[consumer]!.inputs.includes(name)) matched.add(consumer);
      }
    }
    return matched;
  }

  /** Kedro's output matching, the mirror of {@link #consumersMatching}. */
  #producersMatching(datasets: readonly string[]): Set<number> {
    this.#checkDatasetsExist(datasets);
    const matched = new Set<number>();
    for (const name of datasets) {
      const producer = this.#graph.producer[this.#graph.datasetId(name)!]!;
      if (producer !== -1 && (!isTranscoded(name) || this.#graph.nodes[producer]!.outputs.includes(name))) {
        matched.add(producer);
      }
    }
    return matched;
  }

  #unknownNodes(names: readonly string[]): UnknownNodeError {
    // Kedro's hint first: a bare name that exists inside a namespace.
    const known = [...this.#graph.indexByName.keys()];
    const namespaced = known.filter((full) => names.some((name) => full.endsWith(`.${name}`)));
    const hint =
      namespaced.length > 0
        ? ` Did you mean ${namespaced.map((name) => `"${name}"`).join(' or ')}?`
        : suggestion(names, known);
    return new UnknownNodeError(names, hint);
  }
}

/** Kedro's node equality: same full name and same wiring. */
function sameNode(a: Node, b: Node): boolean {
  return a === b || a.identityKey === b.identityKey;
}

/** The indices of the marked nodes. */
function marked(marks: Uint8Array): number[] {
  const indices: number[] = [];
  for (let i = 0; i < marks.length; i++) if (marks[i] === 1) indices.push(i);
  return indices;
}

function collectNames(nodes: readonly Node[], side: 'inputs' | 'outputs'): ReadonlySet<string> {
  const names = new Set<string>();
  for (const node of nodes) for (const name of node[side]) names.add(name);
  return names;
}

function inNamespace(node: Node, namespace: string): boolean {
  const own = node.namespace;
  return (
    own !== undefined && (own === namespace || (own.startsWith(namespace) && own[namespace.length] === '.'))
  );
}

/** " Did you mean ...?" for the unknown names that have a near match. */
function suggestion(unknown: readonly string[], candidates: Iterable<string>): string {
  const pool = [...candidates];
  if (unknown.length === 1) return didYouMean(unknown[0]!, pool);
  const matches = unknown
    .map((name) => [name, nearest(name, pool)] as const)
    .filter((pair): pair is readonly [string, string] => pair[1] !== undefined);
  if (matches.length === 0) return '';
  return ` Did you mean ${matches.map(([name, match]) => `"${match}" for "${name}"`).join(', ')}?`;
}

function listOrNone(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'None';
}
