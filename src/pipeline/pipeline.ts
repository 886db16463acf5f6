/**
 * A pipeline: a validated set of nodes that forms a DAG through the datasets they share. Immutable;
 * every filter and composition returns a new pipeline. Semantics follow Kedro 1.5's `Pipeline`.
 */
import { didYouMean, nearest } from '../suggest.ts';
import { EmptyPipelineError, UnknownDatasetError, UnknownNamespaceError, UnknownNodeError } from './errors.ts';
import { computeDepths, groupLayers, type DependencyIndex } from './layers.ts';
import { Node } from './node.ts';
import { sortedNames } from './ordering.ts';
import { isTranscoded, stripTranscoding } from './transcoding.ts';
import { checkTranscodingConsistent, checkUniqueNames, indexProducers } from './validation.ts';

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
  readonly #nodes: readonly Node[];
  readonly #byName = new Map<string, Node>();
  readonly #producers = new Map<string, Node>();
  readonly #consumers = new Map<string, Node[]>();
  readonly #indexOf = new Map<Node, number>();
  readonly #depth: Int32Array;
  #layers: readonly (readonly Node[])[] | undefined;
  #runOrder: readonly Node[] | undefined;
  #allInputs: ReadonlySet<string> | undefined;
  #allOutputs: ReadonlySet<string> | undefined;

  /** Builds a pipeline from nodes and/or pipelines (whose nodes are taken over). */
  constructor(items: Iterable<Node | Pipeline> = []) {
    const nodes: Node[] = [];
    for (const item of items) {
      if (item instanceof Node) nodes.push(item);
      else if (item instanceof Pipeline) for (const node of item.nodes) nodes.push(node);
      else throw new TypeError(`A pipeline is made of nodes and pipelines, not ${String(item)}.`);
    }
    this.#nodes = nodes;
    checkUniqueNames(nodes, this.#byName);
    checkTranscodingConsistent(nodes);
    indexProducers(nodes, this.#producers);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      this.#indexOf.set(node, i);
      for (const base of node.baseInputs) {
        const consumers = this.#consumers.get(base);
        if (consumers === undefined) this.#consumers.set(base, [node]);
        else consumers.push(node);
      }
    }
    this.#depth = computeDepths(this.#index());
  }

  /** The union of many pipelines in one linear pass (Kedro's `sum(pipelines)`, without its quadratic cost). */
  static sum(pipelines: Iterable<Pipeline>): Pipeline {
    const firstByName = new Map<string, Node>();
    const nodes: Node[] = [];
    for (const pipeline of pipelines) {
      for (const node of pipeline.#nodes) {
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
    return this.#nodes.length;
  }

  /** The nodes in run order: the layers flattened. */
  get nodes(): readonly Node[] {
    this.#runOrder ??= Object.freeze(this.layers.flat());
    return this.#runOrder;
  }

  /** Topological layers: each layer only depends on earlier ones; sorted by full name in code-point order. */
  get layers(): readonly (readonly Node[])[] {
    this.#layers ??= Object.freeze(groupLayers(this.#nodes, this.#depth).map((layer) => Object.freeze(layer)));
    return this.#layers;
  }

  /** Whether the pipeline has a node with this full name. */
  hasNode(name: string): boolean {
    return this.#byName.has(name);
  }

  /**
   * The node with this full name.
   *
   * @throws {@link UnknownNodeError} when there is none.
   */
  getNode(name: string): Node {
    const node = this.#byName.get(name);
    if (node === undefined) throw this.#unknownNodes([name]);
    return node;
  }

  /** The node that produces a dataset (`ds` and `ds@fmt` are the same dataset), if any. */
  producerOf(dataset: string): Node | undefined {
    return this.#producers.get(stripTranscoding(dataset));
  }

  /** The nodes that consume a dataset (`ds` and `ds@fmt` are the same dataset). */
  consumersOf(dataset: string): readonly Node[] {
    return this.#consumers.get(stripTranscoding(dataset)) ?? [];
  }

  /** The nodes a node directly depends on, each once. */
  parentsOf(node: Node | string): Node[] {
    const parents: Node[] = [];
    for (const base of this.#own(node).baseInputs) {
      const producer = this.#producers.get(base);
      if (producer !== undefined && !parents.includes(producer)) parents.push(producer);
    }
    return parents;
  }

  /** The nodes that directly depend on a node, each once. */
  childrenOf(node: Node | string): Node[] {
    const children = new Set<Node>();
    for (const base of this.#own(node).baseOutputs) for (const child of this.consumersOf(base)) children.add(child);
    return [...children];
  }

  // ----- dataset sets -----

  /** Every input name of every node, as written (transcoded names stay transcoded). */
  allInputs(): ReadonlySet<string> {
    this.#allInputs ??= collectNames(this.#nodes, 'inputs');
    return this.#allInputs;
  }

  /** Every output name of every node, as written. */
  allOutputs(): ReadonlySet<string> {
    this.#allOutputs ??= collectNames(this.#nodes, 'outputs');
    return this.#allOutputs;
  }

  /** Free inputs: what must exist before a run, `params:` entries included; no intermediates. */
  inputs(): Set<string> {
    const free = new Set<string>();
    for (const name of this.allInputs()) if (!this.#producers.has(stripTranscoding(name))) free.add(name);
    return free;
  }

  /** Free outputs: what a run leaves behind that no node of the pipeline consumes. */
  outputs(): Set<string> {
    const free = new Set<string>();
    for (const name of this.allOutputs()) if (!this.#consumers.has(stripTranscoding(name))) free.add(name);
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
    const unknown = [...new Set(names)].filter((name) => !this.#byName.has(name));
    if (unknown.length > 0) throw this.#unknownNodes(unknown);
    return new Pipeline(names.map((name) => this.#byName.get(name)!));
  }

  /**
   * Nodes whose namespace is one of these or nested in one (`ns` matches `ns` and `ns.sub`, not `ns10`).
   *
   * @throws {@link UnknownNamespaceError} when a namespace matches no node.
   * @throws {@link DuplicateNodeNameError} when two namespaces select the same node (as Kedro does).
   */
  onlyNodesWithNamespaces(...namespaces: string[]): Pipeline {
    const selected: Node[] = [];
    const unmatched: string[] = [];
    for (const namespace of namespaces) {
      const before = selected.length;
      for (const node of this.#nodes) if (inNamespace(node, namespace)) selected.push(node);
      if (selected.length === before) unmatched.push(namespace);
    }
    if (unmatched.length > 0) {
      const known = new Set<string>();
      for (const node of this.#nodes) if (node.namespace !== undefined) known.add(node.namespace);
      throw new UnknownNamespaceError(unmatched, suggestion(unmatched, known));
    }
    return new Pipeline(selected);
  }

  /** Nodes with any of these tags. No tags, or no match, gives an empty pipeline. */
  onlyNodesWithTags(...tags: string[]): Pipeline {
    return this.#subset(this.#nodes.filter((node) => tags.some((tag) => node.tags.has(tag))));
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
    return this.#subset(this.#descendants(this.#consumersMatching(datasets)));
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
    return this.#subset(this.#ancestors(this.#producersMatching(datasets)));
  }

  /**
   * These nodes and everything downstream of them.
   *
   * @throws {@link UnknownNodeError} / {@link DuplicateNodeNameError} as {@link onlyNodes} does.
   */
  fromNodes(...names: string[]): Pipeline {
    return this.#subset(this.#descendants(this.onlyNodes(...names).#nodes));
  }

  /**
   * These nodes and everything upstream of them.
   *
   * @throws {@link UnknownNodeError} / {@link DuplicateNodeNameError} as {@link onlyNodes} does.
   */
  toNodes(...names: string[]): Pipeline {
    return this.#subset(this.#ancestors(this.onlyNodes(...names).#nodes));
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
    const selections: Pipeline[] = [];
    const apply = (values: readonly string[] | undefined, select: (values: string[]) => Pipeline): void => {
      if (values !== undefined && values.length > 0) selections.push(select([...values]));
    };
    apply(criteria.tags, (values) => this.onlyNodesWithTags(...values));
    apply(criteria.fromNodes, (values) => this.fromNodes(...values));
    apply(criteria.toNodes, (values) => this.toNodes(...values));
    apply(criteria.nodeNames, (values) => this.onlyNodes(...values));
    apply(criteria.fromInputs, (values) => this.fromInputs(...values));
    apply(criteria.toOutputs, (values) => this.toOutputs(...values));
    apply(criteria.nodeNamespaces, (values) => this.onlyNodesWithNamespaces(...values));
    const kept = this.#nodes.filter((node) => selections.every((selection) => selection.#containsEqual(node)));
    if (kept.length === 0) {
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
    return this.#subset(this.#nodes.filter((node) => !other.#containsEqual(node)));
  }

  /** Nodes of this pipeline that are also in `other` (Kedro's `&`). */
  intersection(other: Pipeline): Pipeline {
    return this.#subset(this.#nodes.filter((node) => other.#containsEqual(node)));
  }

  /** A copy with these tags added to every node. */
  withTags(tags: string | Iterable<string>): Pipeline {
    const list = typeof tags === 'string' ? [tags] : [...tags];
    return new Pipeline(this.#nodes.map((node) => node.withTags(list)));
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
    const edges: EdgeJSON[] = [];
    const tags = new Set<string>();
    const namespaces = new Set<string>();
    for (const node of this.nodes) {
      for (const dataset of node.baseInputs) {
        const producer = this.#producers.get(dataset);
        if (producer !== undefined) edges.push({ from: producer.name, to: node.name, dataset });
      }
      for (const tag of node.tags) tags.add(tag);
      if (node.namespace !== undefined) {
        const parts = node.namespace.split('.');
        for (let i = 1; i <= parts.length; i++) namespaces.add(parts.slice(0, i).join('.'));
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

  #index(): DependencyIndex {
    return { nodes: this.#nodes, indexOf: this.#indexOf, producers: this.#producers, consumers: this.#consumers };
  }

  #own(node: Node | string): Node {
    const own = this.getNode(typeof node === 'string' ? node : node.name);
    if (typeof node !== 'string' && !(own === node || own.identityKey === node.identityKey)) {
      throw this.#unknownNodes([node.name]);
    }
    return own;
  }

  /** Whether this pipeline holds the node or one equal to it (same name and wiring). */
  #containsEqual(node: Node): boolean {
    const own = this.#byName.get(node.name);
    return own !== undefined && (own === node || own.identityKey === node.identityKey);
  }

  /** A pipeline of some of this pipeline's nodes, kept in this pipeline's node order. */
  #subset(nodes: Iterable<Node>): Pipeline {
    const chosen = nodes instanceof Set ? nodes : new Set(nodes);
    return new Pipeline(this.#nodes.filter((node) => chosen.has(node)));
  }

  #checkDatasetsExist(datasets: readonly string[]): void {
    const missing: string[] = [];
    for (const name of new Set(datasets)) {
      const known = isTranscoded(name)
        ? this.allInputs().has(name) || this.allOutputs().has(name)
        : this.#producers.has(name) || this.#consumers.has(name);
      if (!known) missing.push(name);
    }
    if (missing.length === 0) return;
    const sorted = sortedNames(missing);
    throw new UnknownDatasetError(sorted, suggestion(sorted, this.datasets()));
  }

  /** Kedro's input matching: a plain name matches every transcoded use, `ds@fmt` only that one. */
  #consumersMatching(datasets: readonly string[]): Set<Node> {
    this.#checkDatasetsExist(datasets);
    const matched = new Set<Node>();
    for (const name of datasets) {
      const base = stripTranscoding(name);
      for (const consumer of this.#consumers.get(base) ?? []) {
        if (base === name || consumer.inputs.includes(name)) matched.add(consumer);
      }
    }
    return matched;
  }

  /** Kedro's output matching, the mirror of {@link #consumersMatching}. */
  #producersMatching(datasets: readonly string[]): Set<Node> {
    this.#checkDatasetsExist(datasets);
    const matched = new Set<Node>();
    for (const name of datasets) {
      const base = stripTranscoding(name);
      const producer = this.#producers.get(base);
      if (producer !== undefined && (base === name || producer.outputs.includes(name))) matched.add(producer);
    }
    return matched;
  }

  /** The start nodes and everything downstream of them (breadth-first, each node once). */
  #descendants(start: Iterable<Node>): Set<Node> {
    const reached = new Set(start);
    for (const node of reached) {
      for (const base of node.baseOutputs) for (const child of this.#consumers.get(base) ?? []) reached.add(child);
    }
    return reached;
  }

  /** The start nodes and everything upstream of them. */
  #ancestors(start: Iterable<Node>): Set<Node> {
    const reached = new Set(start);
    for (const node of reached) {
      for (const base of node.baseInputs) {
        const producer = this.#producers.get(base);
        if (producer !== undefined) reached.add(producer);
      }
    }
    return reached;
  }

  #unknownNodes(names: readonly string[]): UnknownNodeError {
    // Kedro's hint first: a bare name that exists inside a namespace.
    const namespaced = [...this.#byName.keys()].filter((full) => names.some((name) => full.endsWith(`.${name}`)));
    const hint =
      namespaced.length > 0
        ? ` Did you mean ${namespaced.map((name) => `"${name}"`).join(' or ')}?`
        : suggestion(names, this.#byName.keys());
    return new UnknownNodeError(names, hint);
  }
}

function collectNames(nodes: readonly Node[], side: 'inputs' | 'outputs'): ReadonlySet<string> {
  const names = new Set<string>();
  for (const node of nodes) for (const name of node[side]) names.add(name);
  return names;
}

function inNamespace(node: Node, namespace: string): boolean {
  const own = node.namespace;
  return own !== undefined && (own === namespace || (own.startsWith(namespace) && own[namespace.length] === '.'));
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
