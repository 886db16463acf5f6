import { isParameterName, PARAMS_PREFIX } from '../io/catalog-parameters.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { containing, nearest } from '../suggest.ts';

/** A free input of a run that nothing provides: no node of the run produces it, the catalog lacks it. */
export interface MissingInput {
  /** The dataset or `params:` name, as the nodes write it. */
  readonly datasetName: string;
  /** Full names of the nodes that read it, in run order. */
  readonly readers: readonly string[];
  /** The nearest name the catalog, the parameters or the pipeline know, when one is close. */
  readonly suggestion?: string | undefined;
  /**
   * The node of the whole registered pipeline that produces it, when the run's filters left that
   * node out: its output lived in memory, so a run without it has no such data.
   */
  readonly producer?: string | undefined;
}

/**
 * The run's free inputs that neither the catalog nor the parameters provide, each with the nodes
 * that read it and the nearest known name (a typo in a node or a renamed catalog entry). Sorted by
 * name. `registered` (the unfiltered pipeline) lets it name a producer the filters left out.
 */
export function findMissingInputs(
  pipeline: Pipeline,
  catalog: DataCatalog,
  registered: Pipeline = pipeline,
): MissingInput[] {
  const missing = [...pipeline.inputs()].filter((name) => !catalog.has(name)).sort();
  if (missing.length === 0) return [];
  const known = catalog.list();
  const parameters = known.filter((name) => name.startsWith(PARAMS_PREFIX));
  // What a node could have meant: a name the catalog declares or some node produces.
  const datasets = new Set([...known.filter((name) => !isParameterName(name)), ...registered.allOutputs()]);
  return missing.map((name) => {
    const readers = pipeline.consumersOf(name).map((node) => node.name);
    const producer = registered.producerOf(name)?.name;
    if (producer !== undefined) return { datasetName: name, readers, producer };
    const candidates = isParameterName(name)
      ? parameters
      : [...datasets].filter((candidate) => candidate !== name);
    // A parameter's prefix would make every parameter "contain" a short name: typos only there.
    const suggestion =
      nearest(name, candidates) ?? (isParameterName(name) ? undefined : containing(name, candidates));
    return { datasetName: name, readers, suggestion };
  });
}

/** One line about one missing input: who reads it, why nothing provides it, the nearest name. */
export function describeMissingInput(input: MissingInput): string {
  const { datasetName: name, readers } = input;
  const subject =
    readers.length === 0
      ? 'The run'
      : `${readers.length === 1 ? 'Node' : 'Nodes'} ${readers.map((reader) => `"${reader}"`).join(', ')}`;
  const reads = `${subject} ${readers.length > 1 ? 'read' : 'reads'} "${name}"`;
  const suggestion = input.suggestion === undefined ? '' : ` Did you mean "${input.suggestion}"?`;
  if (input.producer !== undefined)
    return `${reads}, which node "${input.producer}" produces in memory, and this run leaves that node out.`;
  if (name === 'parameters') return `${reads}, but no parameters are loaded.`;
  if (isParameterName(name))
    return `${reads}, but no parameter "${name.slice(PARAMS_PREFIX.length)}" exists.${suggestion}`;
  return `${reads}, which no node of this run produces and the catalog doesn't declare.${suggestion}`;
}

/** What to do about a set of missing inputs, naming the files and flags that apply. */
export function missingInputsHint(inputs: readonly MissingInput[]): string {
  const steps: string[] = [];
  const left = inputs.filter((input) => input.producer !== undefined);
  if (left.length > 0) {
    const producers = [...new Set(left.map((input) => input.producer!))];
    steps.push(
      `include ${producers.map((name) => `"${name}"`).join(', ')} in the run, or declare ${left.map((input) => `"${input.datasetName}"`).join(', ')} in conf/base/catalog.yml so that a run saves it`,
    );
  }
  if (inputs.some((input) => input.producer === undefined && isParameterName(input.datasetName)))
    steps.push('declare parameters in conf/base/parameters.yml or pass them with --params');
  if (inputs.some((input) => input.producer === undefined && !isParameterName(input.datasetName)))
    steps.push('declare datasets in conf/base/catalog.yml');
  const text = `${steps.join('; ')}, or fix the name the node reads.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
