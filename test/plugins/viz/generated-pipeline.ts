/**
 * A generated pipeline of any size for the page's large-graph test: nodes in namespaces, each
 * reading one or two datasets written by earlier nodes, so the graph is a wide, deep DAG.
 */
import { DataCatalog, node, Pipeline } from '../../../src/index.ts';
import { describeGraph } from '../../../src/plugins/viz/describe-graph.ts';
import type { VizGraph } from '../../../src/plugins/viz/graph.ts';

export function generatedPipeline(size: number): Pipeline {
  const nodes = [];
  const step = (a: unknown) => a;
  for (let i = 0; i < size; i++) {
    const inputs = i === 0 ? ['source'] : [`data_${Math.floor(i / 2)}`, ...(i % 3 === 0 ? [`data_${i - 1}`] : [])];
    nodes.push(
      node((...args: unknown[]) => step(args[0]), [...new Set(inputs)], `data_${i}`, {
        name: `step_${i}`,
        namespace: `group_${i % 10}`,
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
