import type { DataCatalog, Node, Pipeline, RetryPolicy } from '../../plugin-api/index.ts';
import { isParameterName, PARAMS_PREFIX, stepHookLabel, stripTranscoding } from '../../plugin-api/index.ts';
import type {
  SourceLocation,
  VizDataset,
  VizEdge,
  VizGraph,
  VizNode,
  VizParameter,
  VizStepHook,
} from './graph.ts';

/** What {@link describeGraph} reads: the project's registered pipelines and its catalog. */
export interface GraphSource {
  readonly projectName: string;
  /** Registered pipelines by name; `__default__` is listed first when present. */
  readonly pipelines: ReadonlyMap<string, Pipeline>;
  readonly catalog: DataCatalog;
  /** The retry policy a run would use (configuration included); default: the node's own option. */
  readonly retryPolicyOf?: ((node: Node) => RetryPolicy | undefined) | undefined;
  /** Where a node's function is defined, when it can be told. */
  readonly sourceOf?: ((node: Node) => SourceLocation | null) | undefined;
  /**
   * The step hooks a run would call for a node, with where each was set: the step-hooks plugin's
   * `describeStepHooks` (hooks.yml included). Default: the node's own options only.
   */
  readonly stepHooksOf?: ((node: Node) => Readonly<Record<string, readonly VizStepHook[]>>) | undefined;
}

const STEP_HOOK_OPTIONS = ['onSuccess', 'onFailure', 'onRetry'] as const;

/**
 * The page's model of a project: every node of every registered pipeline, every dataset they
 * use (transcoded names merged), and the edges between them. Descriptions come from the catalog
 * and are redacted by its redactor; parameter values are read from the catalog's parameters.
 */
export function describeGraph(source: GraphSource): VizGraph {
  const { catalog } = source;
  const redactor = catalog.redactor;
  const pipelineNames = [...source.pipelines.keys()].sort((a, b) =>
    a === '__default__' ? -1 : b === '__default__' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const nodes = new Map<string, { node: Node; pipelines: string[] }>();
  const datasetPipelines = new Map<string, Set<string>>();
  const datasetNamespaces = new Map<string, Set<string | null>>();
  const produced = new Set<string>();
  const consumed = new Set<string>();
  const pipelines: { name: string; nodeIds: string[] }[] = [];
  for (const pipelineName of pipelineNames) {
    const pipeline = source.pipelines.get(pipelineName)!;
    const nodeIds: string[] = [];
    for (const node of pipeline.nodes) {
      nodeIds.push(nodeId(node.name));
      const entry = nodes.get(node.name) ?? { node, pipelines: [] };
      entry.pipelines.push(pipelineName);
      nodes.set(node.name, entry);
      for (const input of node.inputs) consumed.add(stripTranscoding(input));
      for (const output of node.outputs) produced.add(stripTranscoding(output));
      for (const dataset of [...node.inputs, ...node.outputs].map(stripTranscoding)) {
        addTo(datasetPipelines, dataset, pipelineName);
        addTo(datasetNamespaces, dataset, node.namespace ?? null);
      }
    }
    pipelines.push({ name: pipelineName, nodeIds });
  }

  const vizNodes: VizNode[] = [];
  const edges: VizEdge[] = [];
  const seenEdges = new Set<string>();
  const addEdge = (from: string, to: string) => {
    const key = `${from}\u0000${to}`;
    if (seenEdges.has(key)) return;
    seenEdges.add(key);
    edges.push({ source: from, target: to });
  };
  for (const { node, pipelines: memberOf } of nodes.values()) {
    const id = nodeId(node.name);
    for (const input of node.inputs) addEdge(datasetId(stripTranscoding(input)), id);
    for (const output of node.outputs) addEdge(id, datasetId(stripTranscoding(output)));
    vizNodes.push({
      kind: 'node',
      id,
      name: node.name,
      shortName: node.shortName,
      namespace: node.namespace ?? null,
      functionName: node.func.name || 'anonymous',
      source: source.sourceOf?.(node) ?? null,
      inputs: [...node.inputs],
      outputs: [...node.outputs],
      tags: [...node.tags],
      parameters: parametersOf(node, catalog),
      stepHooks: source.stepHooksOf?.(node) ?? stepHooksOf(node),
      retries: describeRetries(source.retryPolicyOf?.(node) ?? node.options.retries),
      pipelines: memberOf,
    });
  }

  const layerOrder: string[] = [];
  const datasets: VizDataset[] = [];
  const declared = catalog.list();
  const order = (name: string) => {
    const index = declared.indexOf(name);
    return index === -1 ? declared.length : index;
  };
  const datasetNames = [...datasetPipelines.keys()].sort((a, b) => order(a) - order(b));
  for (const name of datasetNames) {
    const description = safeDescription(catalog, name);
    const layer = layerOf(description);
    if (layer !== null && !layerOrder.includes(layer)) layerOrder.push(layer);
    // Inside a namespace: written and read there only. A free input or a final output stays in
    // sight when the namespace collapses, as a modular pipeline's inputs and outputs.
    const namespace =
      produced.has(name) && consumed.has(name) ? commonNamespace([...datasetNamespaces.get(name)!]) : null;
    const parameter = isParameterName(name);
    const dataset: VizDataset = {
      kind: parameter ? 'parameters' : 'dataset',
      id: datasetId(name),
      name,
      namespace,
      type: parameter ? 'parameters' : catalog.has(name) ? catalog.typeOf(name) : 'memory',
      layer,
      description: redactor.redactValue(description),
      ...(parameter ? { value: redactor.redactValue(parameterValue(catalog, name)) } : {}),
      pipelines: [...datasetPipelines.get(name)!],
    };
    datasets.push(dataset);
  }
  return { projectName: source.projectName, pipelines, nodes: vizNodes, datasets, edges, layers: layerOrder };
}

export function nodeId(name: string): string {
  return `node:${name}`;
}

export function datasetId(name: string): string {
  return `dataset:${name}`;
}

/** The innermost namespace holding all of them (`a` for `a.b` and `a.c`); null if one has none. */
function commonNamespace(namespaces: readonly (string | null)[]): string | null {
  if (namespaces.length === 0 || namespaces.includes(null)) return null;
  let common = (namespaces[0] as string).split('.');
  for (const namespace of namespaces.slice(1) as string[]) {
    const parts = namespace.split('.');
    let shared = 0;
    while (shared < common.length && shared < parts.length && common[shared] === parts[shared]) shared++;
    common = common.slice(0, shared);
  }
  return common.length === 0 ? null : common.join('.');
}

function addTo<V>(map: Map<string, Set<V>>, key: string, value: V): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function safeDescription(catalog: DataCatalog, name: string): Record<string, unknown> {
  try {
    return { ...catalog.describe(name) };
  } catch (error) {
    return { type: 'unknown', problem: catalog.redactor.redact(String((error as Error).message)) };
  }
}

/** `metadata.layer`, or Kedro's `metadata.kedro-viz.layer` for catalogs carried over. */
function layerOf(description: Readonly<Record<string, unknown>>): string | null {
  const metadata = description.metadata;
  if (typeof metadata !== 'object' || metadata === null) return null;
  const record = metadata as Record<string, unknown>;
  if (typeof record.layer === 'string') return record.layer;
  const kedro = record['kedro-viz'];
  if (typeof kedro === 'object' && kedro !== null && typeof (kedro as { layer?: unknown }).layer === 'string')
    return (kedro as { layer: string }).layer;
  return null;
}

function parameterValue(catalog: DataCatalog, name: string): unknown {
  if (!catalog.has(name)) return undefined;
  try {
    const value = catalog.get(name).load();
    return value instanceof Promise ? undefined : value;
  } catch {
    return undefined;
  }
}

function parametersOf(node: Node, catalog: DataCatalog): VizParameter[] {
  return node.inputs.filter(isParameterName).map((name) => ({
    name: name.startsWith(PARAMS_PREFIX) ? name.slice(PARAMS_PREFIX.length) : name,
    value: catalog.redactor.redactValue(parameterValue(catalog, name)),
  }));
}

/** Without the step-hooks plugin's description: the hooks set in code, on the node or its pipeline. */
function stepHooksOf(node: Node): Record<string, VizStepHook[]> {
  const hooks: Record<string, VizStepHook[]> = {};
  const inherited: readonly string[] = node.options.inheritedBehaviour ?? [];
  for (const option of STEP_HOOK_OPTIONS) {
    const value = node.options[option];
    if (value === undefined) continue;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (list.length === 0) continue;
    const source = inherited.includes(option) ? 'pipeline-default' : 'node';
    hooks[option] = list.map((hook) => ({
      hook: stepHookLabel(hook),
      source,
    }));
  }
  return hooks;
}

/** A retry policy in words: `2 retries, 500 ms exponential backoff, jitter`. */
export function describeRetries(policy: RetryPolicy | undefined): string | null {
  if (policy === undefined || policy.max <= 0) return null;
  const parts = [`${policy.max} ${policy.max === 1 ? 'retry' : 'retries'}`];
  if ((policy.delayMs ?? 0) > 0) parts.push(`${policy.delayMs} ms ${policy.backoff ?? 'fixed'} backoff`);
  if (policy.jitter !== undefined && policy.jitter !== false) parts.push('jitter');
  if (policy.nonRetryable !== undefined && policy.nonRetryable.length > 0)
    parts.push(`never for ${policy.nonRetryable.map((type) => type.name).join(', ')}`);
  if (policy.retryOn !== undefined) parts.push('filtered by retryOn');
  return parts.join(', ');
}
