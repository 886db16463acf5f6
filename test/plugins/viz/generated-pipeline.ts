/**
 * A generated pipeline of any size for the page's large-graph test, shaped like real projects:
 * ten namespaces, each a chain of steps, with every fifth step also reading the output of a step
 * in the neighbouring namespace (a deep DAG with cross links), and a few parameters.
 */
import { DataCatalog, node, Pipeline } from '../../../src/index.ts';
import { describeGraph } from '../../../src/plugins/viz/describe-graph.ts';
import type { VizGraph } from '../../../src/plugins/viz/graph.ts';

export function generatedPipeline(size: number): Pipeline {
  const nodes = [];
  const step = (a: unknown) => a;
  const groups = 10;
  for (let i = 0; i < size; i++) {
    const group = i % groups;
    const previous = i - groups;
    const inputs = previous < 0 ? [`source_${group}`, 'params:scale'] : [`data_${previous}`];
    if (i % 5 === 0 && previous >= 0) inputs.push(`data_${previous + (group === groups - 1 ? -1 : 1)}`);
    nodes.push(
      node((...args: unknown[]) => step(args[0]), [...new Set(inputs)], `data_${i}`, {
        name: `step_${i}`,
        namespace: `group_${group}`,
        tags: i % 2 === 0 ? ['even'] : ['odd'],
      }),
    );
  }
  return new Pipeline(nodes);
}

export function generatedGraph(size: number): VizGraph {
  const pipeline = generatedPipeline(size);
  return describeGraph({
    projectName: `generated-${size}`,
    pipelines: new Map([['__default__', pipeline]]),
    catalog: new DataCatalog(),
  });
}
