/**
 * Conformance family "run-hooks": a Kedro run with one recording plugin on the ten pipeline,
 * node and dataset hooks, driven through Sluice's public API: `node()`, `Pipeline`, a
 * `DataCatalog` of memory datasets, the `SequentialRunner`, and `runPipeline` (the session's
 * pipeline-hook bracket).
 */
import {
  CatalogError,
  createHookManager,
  DataCatalog,
  DatasetError,
  defaultRunParams,
  definePlugin,
  MemoryDataset,
  MissingInputsError,
  node,
  Pipeline,
  runPipeline,
  SequentialRunner,
  type Node,
} from '../../src/index.ts';

export interface CaseNode {
  name: string;
  namespace: string | null;
  inputs: string[];
  outputs: string[];
  tags: string[];
}

export interface RunHooksCase {
  nodes: CaseNode[];
  catalog: Record<string, unknown>;
  catalog_empty: string[];
  failing_node: string | null;
}

/** The error class the case's failing node throws; its name is what the answer reports. */
export class NodeFailure extends Error {
  override name = 'NodeFailure';
}

/** Each Sluice error class answers as exactly one Kedro class. */
export function kedroName(error: unknown): string {
  if (error instanceof NodeFailure) return 'NodeFailure';
  if (error instanceof MissingInputsError) return 'ValueError';
  if (error instanceof DatasetError || error instanceof CatalogError) return 'DatasetError';
  return (error as Error)?.name ?? 'Error';
}

export function buildNode(spec: CaseNode, failingNode: string | null): Node {
  const fullName = spec.namespace === null ? spec.name : `${spec.namespace}.${spec.name}`;
  const fn = (...values: unknown[]) => {
    if (spec.name === failingNode || fullName === failingNode) throw new NodeFailure(`${fullName} failed`);
    const value = `${fullName}(${values.join(',')})`;
    return spec.outputs.length === 1 ? value : spec.outputs.map(() => value);
  };
  const outputs =
    spec.outputs.length === 0 ? null : spec.outputs.length === 1 ? spec.outputs[0]! : spec.outputs;
  return node(fn, spec.inputs, outputs, { name: spec.name, namespace: spec.namespace, tags: spec.tags });
}

export async function answer(testCase: RunHooksCase) {
  const trace: [string, string | null][] = [];
  const hookData: unknown[] = [];
  const record = (hook: string, subject: string | null, data: unknown) => {
    trace.push([hook, subject]);
    hookData.push(data);
  };
  const recorder = definePlugin({
    name: 'recorder',
    beforePipelineRun: () => record('before_pipeline_run', null, null),
    afterPipelineRun: ({ runResult }) =>
      record('after_pipeline_run', null, { run_result_keys: Object.keys(runResult.outputs).sort() }),
    onPipelineError: ({ error }) => record('on_pipeline_error', null, { error: kedroName(error) }),
    beforeNodeRun: ({ node, inputs }) => record('before_node_run', node.name, { inputs: { ...inputs } }),
    afterNodeRun: ({ node, inputs, outputs }) =>
      record('after_node_run', node.name, { inputs: { ...inputs }, outputs: { ...outputs } }),
    onNodeError: ({ node, error, inputs }) =>
      record('on_node_error', node.name, { error: kedroName(error), inputs: { ...inputs } }),
    beforeDatasetLoaded: ({ datasetName, node }) =>
      record('before_dataset_loaded', datasetName, { node: node.name }),
    afterDatasetLoaded: ({ datasetName, data, node }) =>
      record('after_dataset_loaded', datasetName, { data, node: node.name }),
    beforeDatasetSaved: ({ datasetName, data, node }) =>
      record('before_dataset_saved', datasetName, { data, node: node.name }),
    afterDatasetSaved: ({ datasetName, data, node }) =>
      record('after_dataset_saved', datasetName, { data, node: node.name }),
  });
  const hooks = createHookManager();
  hooks.register(recorder);

  const pipe = new Pipeline(testCase.nodes.map((spec) => buildNode(spec, testCase.failing_node)));
  const catalog = new DataCatalog().feed(testCase.catalog);
  for (const name of testCase.catalog_empty) catalog.add(name, new MemoryDataset(name));
  const runParams = defaultRunParams({ runId: 'conformance' });
  const nodeOrder = pipe.nodes.map((n) => n.name);
  try {
    const result = await runPipeline({
      pipeline: pipe,
      catalog,
      hooks,
      runner: new SequentialRunner(),
      runParams,
      options: {},
    });
    return {
      trace,
      hook_data: hookData,
      node_order: nodeOrder,
      outputs: result.outputs,
      error: null,
      error_message: null,
    };
  } catch (error) {
    return {
      trace,
      hook_data: hookData,
      node_order: nodeOrder,
      outputs: null,
      error: kedroName(error),
      error_message: (error as Error).message,
    };
  }
}
