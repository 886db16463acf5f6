import type { DataCatalog } from '../io/catalog.ts';
import type { Node } from '../pipeline/node.ts';
import { Pipeline } from '../pipeline/pipeline.ts';

/**
 * After a failed run, the nodes to pass to `--from-nodes` so that a new run covers every node
 * that didn't finish, starting as late as persisted data allows (Kedro's rule: from each
 * unfinished node that reads data from outside the unfinished set, walk back past producers of
 * ephemeral inputs, then take the first layer of what must run). Empty when nothing had finished:
 * then the whole command should simply be run again.
 */
export function resumeFromNodes(
  pipeline: Pipeline,
  completed: Iterable<string>,
  catalog: DataCatalog,
): string[] {
  const done = new Set(completed);
  if (done.size === 0) return [];
  const unfinished = pipeline.nodes.filter((node) => !done.has(node.name));
  if (unfinished.length === 0) return [];
  const toRun = new Set<Node>(unfinished);
  const unfinishedPipeline = new Pipeline(unfinished);
  const queue = unfinishedPipeline.onlyNodesWithInputs(...unfinishedPipeline.inputs()).nodes.slice();
  const visited = new Set(queue);
  while (queue.length > 0) {
    const current = queue.shift()!;
    toRun.add(current);
    for (const input of current.inputs) {
      if (input.startsWith('params:') || input === 'parameters' || !catalog.isEphemeral(input)) continue;
      const producer = pipeline.producerOf(input);
      if (producer !== undefined && !visited.has(producer)) {
        visited.add(producer);
        queue.push(producer);
      }
    }
  }
  // Whatever runs, everything downstream of it must run too.
  const resumed = pipeline.fromNodes(...[...toRun].map((node) => node.name));
  const firstLayer = resumed.layers[0] ?? [];
  return firstLayer.map((node) => node.name);
}

/** The command line that resumes a failed run, or undefined when the same command should be rerun. */
export function resumeCommand(baseCommand: string, fromNodes: readonly string[]): string | undefined {
  if (fromNodes.length === 0) return undefined;
  return `${baseCommand} --from-nodes "${fromNodes.join(',')}"`;
}
