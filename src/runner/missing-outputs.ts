import type { DataCatalog } from '../io/catalog.ts';
import type { Node } from '../pipeline/node.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';

/**
 * The nodes `--only-missing-outputs` must run, in pipeline order (Kedro's rule). Visiting nodes
 * from the last to the first, a node runs when it has no outputs, when one of its persisted
 * outputs is missing, or when a node that runs needs one of its outputs that is ephemeral or missing.
 */
export async function nodesWithMissingOutputs(pipeline: Pipeline, catalog: DataCatalog): Promise<Node[]> {
  const mustRun = new Set<Node>();
  const missing = new Map<string, boolean>();
  const isMissing = async (name: string) => {
    let answer = missing.get(name);
    if (answer === undefined) {
      answer = !(await catalog.exists(name));
      missing.set(name, answer);
    }
    return answer;
  };
  const nodes = pipeline.nodes;
  for (let index = nodes.length - 1; index >= 0; index--) {
    const node = nodes[index]!;
    if (node.outputs.length === 0 || (await needsRun(node, pipeline, catalog, mustRun, isMissing)))
      mustRun.add(node);
  }
  return nodes.filter((node) => mustRun.has(node));
}

async function needsRun(
  node: Node,
  pipeline: Pipeline,
  catalog: DataCatalog,
  mustRun: ReadonlySet<Node>,
  isMissing: (name: string) => Promise<boolean>,
): Promise<boolean> {
  for (const output of node.outputs) {
    if (!catalog.isEphemeral(output) && (await isMissing(output))) return true;
  }
  for (const output of node.outputs) {
    const neededByRunningNode = pipeline.consumersOf(output).some((consumer) => mustRun.has(consumer));
    if (neededByRunningNode && (catalog.isEphemeral(output) || (await isMissing(output)))) return true;
  }
  return false;
}
