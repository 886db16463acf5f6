/** Small builders shared by the pipeline tests. */
import { Node, Pipeline } from '../../src/pipeline/index.ts';
import type { NodeOptions } from '../../src/pipeline/index.ts';

/** A node named `name` whose function returns one value per output. */
export function n(name: string, inputs: string[], outputs: string[], options: NodeOptions = {}): Node {
  return new Node((...values: unknown[]) => outputs.map((_, i) => values[i]), inputs, outputs, {
    name,
    ...options,
  });
}

/** Full node names in run order. */
export function names(pipeline: Pipeline): string[] {
  return pipeline.nodes.map((node) => node.name);
}

/** Full node names per layer. */
export function layerNames(pipeline: Pipeline): string[][] {
  return pipeline.layers.map((layer) => layer.map((node) => node.name));
}

/** A set as a sorted array. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}

/**
 * The pipeline most filter tests use:
 *
 *   raw, params:alpha -> top -> l -> left  -> l2 -\
 *                            -> r -> right -> r2 --> join -> out
 *   raw -> side -> side_out          (right also reads params:beta)
 */
export function diamond(): Pipeline {
  return new Pipeline([
    n('top', ['raw', 'params:alpha'], ['l', 'r'], { tags: ['t1'] }),
    n('left', ['l'], ['l2'], { tags: ['t2'] }),
    n('right', ['r', 'params:beta'], ['r2']),
    n('join', ['l2', 'r2'], ['out'], { tags: ['t1', 't2'] }),
    n('side', ['raw'], ['side_out']),
  ]);
}

/** Nodes in nested namespaces: ns1.a -> ns1.sub.b -> ns10.c -> d. */
export function namespaced(): Pipeline {
  return new Pipeline([
    n('a', ['raw'], ['x'], { namespace: 'ns1' }),
    n('b', ['x'], ['y'], { namespace: 'ns1.sub' }),
    n('c', ['y'], ['z'], { namespace: 'ns10' }),
    n('d', ['z'], ['w']),
  ]);
}
