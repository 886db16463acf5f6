import type { Pipeline } from '../../pipeline/pipeline.ts';

/** Above this many nodes the exact width is not worked out (it is quadratic in the nodes). */
const EXACT_UP_TO = 1500;

/**
 * The most nodes of `pipeline` that can ever run at the same time (the width of its dependency
 * order: its largest set of nodes none of which depends on another), capped at `atMost`. The
 * parallel runner starts no more worker threads than this: a chain needs one, whatever the core
 * count.
 *
 * Two nodes in the same topological layer never depend on each other, so the largest layer is a
 * lower bound, and enough when it reaches `atMost`. Otherwise the width is Dilworth's: the nodes
 * less the largest matching between each node and the nodes that (transitively) depend on it.
 * Past `EXACT_UP_TO` nodes without a layer that wide, `atMost` is assumed.
 */
export function concurrencyWidth(pipeline: Pipeline, atMost: number): number {
  const layers = pipeline.layers;
  const widest = Math.max(0, ...layers.map((layer) => layer.length));
  if (widest >= atMost) return atMost;
  const nodes = layers.flat();
  if (nodes.length > EXACT_UP_TO) return atMost;
  const index = new Map(nodes.map((node, at) => [node, at]));
  // descendants[i]: every node that depends on node i, directly or not (nodes are in layer
  // order, so children come later and are complete when their parents are worked out).
  const descendants: Set<number>[] = nodes.map(() => new Set<number>());
  for (let at = nodes.length - 1; at >= 0; at--) {
    for (const child of pipeline.childrenOf(nodes[at]!)) {
      const childAt = index.get(child)!;
      descendants[at]!.add(childAt);
      for (const later of descendants[childAt]!) descendants[at]!.add(later);
    }
  }
  // Largest matching by augmenting paths (Kuhn): each node matched to one descendant at most.
  const matchedTo = new Int32Array(nodes.length).fill(-1);
  let matched = 0;
  for (let from = 0; from < nodes.length; from++) {
    const seen = new Uint8Array(nodes.length);
    if (augment(from, descendants, matchedTo, seen)) matched++;
  }
  return Math.min(atMost, Math.max(1, nodes.length - matched));
}

function augment(
  from: number,
  edges: readonly Set<number>[],
  matchedTo: Int32Array,
  seen: Uint8Array,
): boolean {
  for (const to of edges[from]!) {
    if (seen[to]) continue;
    seen[to] = 1;
    if (matchedTo[to] === -1 || augment(matchedTo[to]!, edges, matchedTo, seen)) {
      matchedTo[to] = from;
      return true;
    }
  }
  return false;
}
