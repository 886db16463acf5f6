import { isParameterName } from '../io/catalog-parameters.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { containing, nearest } from '../suggest.ts';

/** A final output of a run that no catalog entry declares: it lived in memory only. */
export interface UnsavedOutput {
  readonly datasetName: string;
  /** The node that produced it. */
  readonly producer: string;
  /**
   * A declared catalog name close to it that the pipeline doesn't use: most likely the entry
   * that was meant for it (a renamed entry, a typo on either side).
   */
  readonly suggestion?: string | undefined;
}

/**
 * The pipeline's free outputs that the catalog doesn't know (no entry, no pattern): a run keeps
 * them in memory and they are lost when the process ends. Declared memory datasets are left out,
 * since declaring one says so on purpose. Sorted by name.
 */
export function unsavedOutputs(pipeline: Pipeline, catalog: DataCatalog): UnsavedOutput[] {
  const free = [...pipeline.outputs()].filter((name) => !isParameterName(name) && !catalog.has(name));
  if (free.length === 0) return [];
  const used = pipeline.datasets();
  const unused = catalog.list().filter((name) => !isParameterName(name) && !used.has(name));
  return free.sort().map((name) => ({
    datasetName: name,
    producer: pipeline.producerOf(name)?.name ?? '',
    suggestion: nearest(name, unused) ?? containing(name, unused),
  }));
}
