/**
 * Topological layers (Kahn's algorithm): layer 0 holds the nodes with no producer among their
 * inputs, layer k the nodes whose producers all sit in earlier layers. This is exactly what Kedro's
 * `TopologicalSorter` batches give. Depths cost one O(nodes + edges) pass, paid on construction
 * because that pass is also the cycle check; grouping and sorting the layers is deferred.
 */
import { CircularDependencyError } from './errors.ts';
import type { DependencyGraph } from './graph.ts';
import type { Node } from './node.ts';
import { compareCodePoints } from './ordering.ts';

/**
 * The layer number of every node, by node index.
 *
 * @throws {@link CircularDependencyError} naming one cycle when the nodes can't be ordered.
 */
export function computeDepths(graph: DependencyGraph): Int32Array {
  const { inputStart, inputIds, outputStart, outputIds, producer, consumerStart, consumerList } = graph;
  const count = graph.nodes.length;
  const waitingFor = new Int32Array(count);
  const depth = new Int32Array(count);
  const queue = new Int32Array(count);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < count; i++) {
    let producedInputs = 0;
    for (let k = inputStart[i]!; k < inputStart[i + 1]!; k++)
      if (producer[inputIds[k]!] !== -1) producedInputs++;
    waitingFor[i] = producedInputs;
    if (producedInputs === 0) queue[tail++] = i;
  }
  while (head < tail) {
    const parent = queue[head++]!;
    const childDepth = depth[parent]! + 1;
    for (let k = outputStart[parent]!; k < outputStart[parent + 1]!; k++) {
      const id = outputIds[k]!;
      for (let c = consumerStart[id]!; c < consumerStart[id + 1]!; c++) {
        const child = consumerList[c]!;
        if (depth[child]! < childDepth) depth[child] = childDepth;
        if (--waitingFor[child]! === 0) queue[tail++] = child;
      }
    }
  }
  if (tail < count) throw new CircularDependencyError(findCycle(graph, waitingFor));
  return depth;
}

/** Groups nodes by depth; each layer sorted by full name in code-point order. */
export function groupLayers(nodes: readonly Node[], depth: Int32Array): Node[][] {
  const layers: Node[][] = [];
  for (let i = 0; i < nodes.length; i++) {
    const d = depth[i]!;
    while (layers.length <= d) layers.push([]);
    layers[d]!.push(nodes[i]!);
  }
  for (const layer of layers) layer.sort(byName);
  return layers;
}

function byName(a: Node, b: Node): number {
  return compareCodePoints(a.name, b.name);
}

/**
 * Every node Kahn couldn't place still waits for a parent that wasn't placed either, so walking
 * from one such node to an unplaced parent, again and again, must come back to a node already on
 * the walk: that loop is a cycle.
 */
function findCycle(graph: DependencyGraph, waitingFor: Int32Array): string[] {
  const { inputStart, inputIds, producer } = graph;
  const positionOnWalk = new Map<number, number>();
  const walk: number[] = [];
  let current = waitingFor.findIndex((waiting) => waiting > 0);
  while (!positionOnWalk.has(current)) {
    positionOnWalk.set(current, walk.length);
    walk.push(current);
    for (let k = inputStart[current]!; k < inputStart[current + 1]!; k++) {
      const parent = producer[inputIds[k]!]!;
      if (parent !== -1 && waitingFor[parent]! > 0) {
        current = parent;
        break;
      }
    }
  }
  // The walk follows edges backwards (child to parent); report the cycle in run direction,
  // starting from its smallest name so that the message is stable.
  const cycle = walk
    .slice(positionOnWalk.get(current))
    .reverse()
    .map((i) => graph.nodes[i]!.name);
  let start = 0;
  for (let i = 1; i < cycle.length; i++) if (compareCodePoints(cycle[i]!, cycle[start]!) < 0) start = i;
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
