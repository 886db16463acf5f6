/**
 * Conformance family "pipeline-filter": builds the case's nodes with `node()`, applies the Kedro
 * operation through Sluice's public `Pipeline` / `pipeline()` API, and answers in the shape of the
 * case's `expected` object. Only the op names and the error class names are translated here.
 */
import {
  CircularDependencyError,
  compareCodePoints,
  DuplicateNodeNameError,
  EmptyPipelineError,
  node,
  NodeDefinitionError,
  NodeInputError,
  NodeOutputError,
  OutputNotUniqueError,
  Pipeline,
  pipeline,
  PipelineError,
  TranscodingError,
  UnknownDatasetError,
  UnknownNamespaceError,
  UnknownNodeError,
} from '../../src/pipeline/index.ts';
import type { Node, PipelineFilter } from '../../src/pipeline/index.ts';

interface CaseNode {
  name: string | null;
  namespace: string | null;
  inputs: string[];
  outputs: string[];
  tags: string[];
}

interface Case {
  nodes: CaseNode[];
  op: { op: string; args?: string[]; kwargs?: Record<string, unknown> };
}

interface Answer {
  nodes: string[] | null;
  layers: string[][] | null;
  sets: string[] | null;
  error: string | null;
  error_message: string | null;
  node_details?: NodeDetail[];
}

interface NodeDetail {
  name: string;
  namespace: string | null;
  inputs: string[];
  outputs: string[];
  tags: string[];
}

/** Each Sluice error class answers as exactly one Kedro class. */
const KEDRO_NAMES = new Map<unknown, string>([
  [NodeDefinitionError, 'ValueError'],
  [NodeInputError, 'ValueError'],
  [NodeOutputError, 'ValueError'],
  [DuplicateNodeNameError, 'ValueError'],
  [TranscodingError, 'ValueError'],
  [UnknownNodeError, 'ValueError'],
  [UnknownDatasetError, 'ValueError'],
  [UnknownNamespaceError, 'ValueError'],
  [EmptyPipelineError, 'ValueError'],
  [OutputNotUniqueError, 'OutputNotUniqueError'],
  [CircularDependencyError, 'CircularDependencyError'],
  [PipelineError, 'PipelineError'],
]);

const SET_OPS: Record<string, (pipe: Pipeline) => Iterable<string>> = {
  inputs: (pipe) => pipe.inputs(),
  outputs: (pipe) => pipe.outputs(),
  all_inputs: (pipe) => pipe.allInputs(),
  all_outputs: (pipe) => pipe.allOutputs(),
  datasets: (pipe) => pipe.datasets(),
};

const FILTER_OPS: Record<string, (pipe: Pipeline, args: string[]) => Pipeline> = {
  only_nodes: (pipe, args) => pipe.onlyNodes(...args),
  only_nodes_with_namespaces: (pipe, args) => pipe.onlyNodesWithNamespaces(...args),
  only_nodes_with_inputs: (pipe, args) => pipe.onlyNodesWithInputs(...args),
  only_nodes_with_outputs: (pipe, args) => pipe.onlyNodesWithOutputs(...args),
  only_nodes_with_tags: (pipe, args) => pipe.onlyNodesWithTags(...args),
  from_inputs: (pipe, args) => pipe.fromInputs(...args),
  to_outputs: (pipe, args) => pipe.toOutputs(...args),
  from_nodes: (pipe, args) => pipe.fromNodes(...args),
  to_nodes: (pipe, args) => pipe.toNodes(...args),
};

/** Kedro's keyword arguments of `Pipeline.filter` → Sluice's criteria. */
const FILTER_KEYS: Record<string, keyof PipelineFilter> = {
  tags: 'tags',
  from_nodes: 'fromNodes',
  to_nodes: 'toNodes',
  node_names: 'nodeNames',
  from_inputs: 'fromInputs',
  to_outputs: 'toOutputs',
  node_namespaces: 'nodeNamespaces',
};

export function answer(testCase: Case): Answer {
  try {
    return answerOrThrow(testCase);
  } catch (error) {
    const kedroName = error instanceof Error ? KEDRO_NAMES.get(error.constructor) : undefined;
    if (kedroName === undefined) throw error;
    return {
      nodes: null,
      layers: null,
      sets: null,
      error: kedroName,
      error_message: (error as Error).message,
    };
  }
}

function answerOrThrow(testCase: Case): Answer {
  const pipe = new Pipeline(testCase.nodes.map(buildNode));
  const { op, args = [], kwargs = {} } = testCase.op;

  const setOp = SET_OPS[op];
  if (setOp !== undefined)
    return { nodes: null, layers: null, sets: sorted(setOp(pipe)), error: null, error_message: null };

  if (op === 'construct' || op === 'grouped_nodes') return pipelineAnswer(pipe);
  const filterOp = FILTER_OPS[op];
  if (filterOp !== undefined) return pipelineAnswer(filterOp(pipe, args));
  if (op === 'filter') return pipelineAnswer(pipe.filter(toFilter(kwargs)));
  if (op === 'pipeline') {
    const result = pipeline(pipe, {
      namespace: kwargs.namespace as string | undefined,
      inputs: kwargs.inputs as string | string[] | Record<string, string> | undefined,
      outputs: kwargs.outputs as string | string[] | Record<string, string> | undefined,
      parameters: kwargs.parameters as string | string[] | Record<string, string> | undefined,
      tags: kwargs.tags as string | string[] | undefined,
      prefixDatasetsWithNamespace: kwargs.prefix_datasets_with_namespace as boolean | undefined,
    });
    return { ...pipelineAnswer(result), node_details: details(result) };
  }
  throw new Error(`Unknown pipeline-filter op "${op}".`);
}

/** A function of the right shape for the wiring; these cases never run it. */
function buildNode(spec: CaseNode): Node {
  const identity = (...values: unknown[]): unknown[] => spec.outputs.map((_, i) => values[i]);
  return node(identity, spec.inputs, spec.outputs, {
    name: spec.name ?? undefined,
    namespace: spec.namespace,
    tags: spec.tags,
  });
}

function toFilter(kwargs: Record<string, unknown>): PipelineFilter {
  const criteria: PipelineFilter = {};
  for (const [key, value] of Object.entries(kwargs)) {
    const criterion = FILTER_KEYS[key];
    if (criterion === undefined) throw new Error(`Unknown filter argument "${key}".`);
    if (value !== null && value !== undefined) criteria[criterion] = value as string[];
  }
  return criteria;
}

function pipelineAnswer(pipe: Pipeline): Answer {
  return {
    nodes: sorted(pipe.nodes.map((n) => n.name)),
    layers: pipe.layers.map((layer) => layer.map((n) => n.name)),
    sets: null,
    error: null,
    error_message: null,
  };
}

function details(pipe: Pipeline): NodeDetail[] {
  return [...pipe.nodes]
    .sort((a, b) => compareCodePoints(a.name, b.name))
    .map((n) => ({
      name: n.name,
      namespace: n.namespace ?? null,
      inputs: [...n.inputs],
      outputs: [...n.outputs],
      tags: [...n.tags],
    }));
}

function sorted(names: Iterable<string>): string[] {
  return [...names].sort(compareCodePoints);
}
