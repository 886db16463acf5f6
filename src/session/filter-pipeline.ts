import { EmptyPipelineError } from '../pipeline/errors.ts';
import type { Pipeline, PipelineFilter } from '../pipeline/pipeline.ts';
import { UnknownTagsError } from './errors.ts';

/** The run's filters, as `SessionRunOptions` names them. */
export interface RunFilters {
  readonly tags?: readonly string[] | undefined;
  readonly nodeNames?: readonly string[] | undefined;
  readonly fromNodes?: readonly string[] | undefined;
  readonly toNodes?: readonly string[] | undefined;
  readonly fromInputs?: readonly string[] | undefined;
  readonly toOutputs?: readonly string[] | undefined;
  readonly namespaces?: readonly string[] | undefined;
}

/**
 * The registered pipeline with the run's filters applied (Kedro's `filter`, criteria
 * intersected). Tags that no node has are an {@link UnknownTagsError} naming the tags that exist,
 * rather than Kedro's bare "no nodes after applying all provided filters".
 */
export function filterPipeline(pipeline: Pipeline, pipelineName: string, filters: RunFilters): Pipeline {
  const criteria: PipelineFilter = {
    tags: filters.tags ?? [],
    fromNodes: filters.fromNodes ?? [],
    toNodes: filters.toNodes ?? [],
    nodeNames: filters.nodeNames ?? [],
    fromInputs: filters.fromInputs ?? [],
    toOutputs: filters.toOutputs ?? [],
    nodeNamespaces: filters.namespaces ?? [],
  };
  const filtering = Object.values(criteria).some((list) => (list as readonly string[]).length > 0);
  if (!filtering) return pipeline;
  try {
    return pipeline.filter(criteria);
  } catch (error) {
    const tags = criteria.tags ?? [];
    if (!(error instanceof EmptyPipelineError) || tags.length === 0) throw error;
    const known = new Set<string>();
    for (const node of pipeline.nodes) for (const tag of node.tags) known.add(tag);
    // Only when the tags select nothing on their own: otherwise the intersection is to blame.
    if (tags.some((tag) => known.has(tag))) throw error;
    throw new UnknownTagsError(pipelineName, tags, [...known].sort());
  }
}
