/**
 * The modular pipeline factory: reuse one pipeline many times under different namespaces, with
 * its datasets and parameters prefixed or renamed. Semantics follow Kedro 1.5's `pipeline()`.
 */
import { nearest } from '../suggest.ts';
import { PipelineError } from './errors.ts';
import type { Node } from './node.ts';
import type { NodeBehaviour } from './options.ts';
import { sortedNames } from './ordering.ts';
import { Pipeline } from './pipeline.ts';
import { splitTranscoding, stripTranscoding, TRANSCODING_SEPARATOR } from './transcoding.ts';
import type { DatasetWiring } from './wiring.ts';

/**
 * Names to keep or rename: one name or a list keeps the names as they are (no namespace prefix);
 * a record `{ old: 'new' }` renames, also without prefix.
 */
export type NameMapping = string | Iterable<string> | Readonly<Record<string, string>>;

/** Options of the modular {@link pipeline} factory. */
export interface ModularPipelineOptions {
  /**
   * Prefix for node names, datasets and `params:` references: `clean` becomes `ns.clean`,
   * `params:rate` becomes `params:ns.rate`. Nodes already in a namespace get it nested: `ns.inner`.
   * `parameters` (all parameters) is never prefixed.
   */
  namespace?: string | undefined;
  /** Free inputs of the pipeline to keep or rename; they are not prefixed. Only free inputs are allowed. */
  inputs?: NameMapping | undefined;
  /** Outputs (free or intermediate) to keep or rename; they are not prefixed. */
  outputs?: NameMapping | undefined;
  /** Parameters to keep or rename, with or without the `params:` prefix; they are not prefixed. */
  parameters?: NameMapping | undefined;
  /** Tags added to every node. */
  tags?: string | Iterable<string> | undefined;
  /**
   * `false` namespaces node names only and leaves datasets and parameters alone: handy when the
   * namespace only groups nodes (for deployment or display). Default `true`.
   */
  prefixDatasetsWithNamespace?: boolean | undefined;
  /** Node behaviour defaults (retries, step hooks...) for nodes that don't set their own. */
  nodeDefaults?: NodeBehaviour | undefined;
}

/**
 * Builds a pipeline from nodes and/or pipelines and, with options, namespaces, renames and tags it.
 *
 * @example
 * ```ts
 * const training = pipeline([split, fit, evaluate]);
 * const candidate = pipeline(training, {
 *   namespace: 'candidate',
 *   inputs: { model_input: 'features_v2' }, // renamed, not prefixed
 *   parameters: ['random_state'],           // shared, not prefixed
 * });
 * ```
 * @throws {@link PipelineError} when `inputs`, `outputs` or `parameters` name a dataset the
 * pipeline doesn't use, when `inputs` names something other than a free input (or a parameter),
 * or when `outputs` names a free input.
 * @throws the construction errors of {@link Pipeline}, and {@link NodeDefinitionError} when a
 * renaming makes a node read and write the same dataset.
 */
export function pipeline(
  items: Pipeline | Iterable<Node | Pipeline>,
  options: ModularPipelineOptions = {},
): Pipeline {
  let result = items instanceof Pipeline ? items : new Pipeline(items);
  const tags =
    options.tags === undefined ? [] : typeof options.tags === 'string' ? [options.tags] : [...options.tags];
  if (tags.length > 0) result = result.withTags(tags);

  const inputs = toNameMap(options.inputs);
  const outputs = toNameMap(options.outputs);
  const parameters = toParameterMap(options.parameters);
  const namespace = options.namespace === '' ? undefined : options.namespace;
  if (inputs.size > 0 || outputs.size > 0 || parameters.size > 0 || namespace !== undefined) {
    checkNamesExist(result, inputs, outputs, parameters);
    checkInputsAndOutputs(result, inputs, outputs);
    const mapping = new Map([...inputs, ...outputs, ...parameters]);
    const rename = renamer(mapping, namespace, options.prefixDatasetsWithNamespace ?? true);
    result = new Pipeline(
      result.nodes.map((node) =>
        node.withChanges({
          inputs: renameWiring(node.inputWiring, rename),
          outputs: renameWiring(node.outputWiring, rename),
          namespace: namespace === undefined ? node.namespace : joinNamespace(namespace, node.namespace),
        }),
      ),
    );
  }

  if (options.nodeDefaults !== undefined) result = result.withNodeDefaults(options.nodeDefaults);
  return result;
}

function toNameMap(names: NameMapping | undefined): Map<string, string> {
  if (names === undefined || names === '') return new Map();
  if (typeof names === 'string') return new Map([[names, names]]);
  if (Symbol.iterator in names) return new Map([...(names as Iterable<string>)].map((name) => [name, name]));
  return new Map(Object.entries(names));
}

/** Parameter names may be written with or without `params:`; `parameters` (all of them) stays itself. */
function toParameterMap(names: NameMapping | undefined): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const [name, renamed] of toNameMap(names)) {
    if (name === 'parameters') parameters.set(name, name);
    else parameters.set(asParameter(name), asParameter(renamed));
  }
  return parameters;
}

function asParameter(name: string): string {
  return name.startsWith('params:') ? name : `params:${name}`;
}

function isParameter(name: string): boolean {
  return name === 'parameters' || name.startsWith('params:');
}

function checkNamesExist(
  pipe: Pipeline,
  inputs: Map<string, string>,
  outputs: Map<string, string>,
  parameters: Map<string, string>,
): void {
  const existing = new Set([...pipe.datasets()].map(stripTranscoding));
  const named = new Set([
    ...[...inputs.keys()].map(stripTranscoding),
    ...[...outputs.keys()].map(stripTranscoding),
    ...parameters.keys(),
  ]);
  const missing = sortedNames([...named].filter((name) => !existing.has(name)));
  if (missing.length === 0) return;
  const what =
    missing.length === 1
      ? `"${missing[0]}" does not exist in the pipeline.`
      : `these datasets and/or parameters do not exist in the pipeline: ${missing.map((name) => `"${name}"`).join(', ')}.`;
  const close = missing.map((name) => nearest(name, existing)).filter((match) => match !== undefined);
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((name) => `"${name}"`).join(', ')}?` : '';
  throw new PipelineError(
    `Failed to map datasets and/or parameters onto the nodes provided: ${what}${suggestion}`,
    {
      hint: 'Name datasets as the pipeline uses them before namespacing; `pipeline.datasets()` lists them.',
    },
  );
}

function checkInputsAndOutputs(
  pipe: Pipeline,
  inputs: Map<string, string>,
  outputs: Map<string, string>,
): void {
  const inputNames = [...inputs.keys()].map(stripTranscoding);
  const outputNames = [...outputs.keys()].map(stripTranscoding);
  if (inputNames.some(isParameter)) {
    throw new PipelineError("Parameters should be specified in the 'parameters' option, not in 'inputs'.");
  }
  const freeInputs = new Set([...pipe.inputs()].map(stripTranscoding));
  const notFree = inputNames.filter((name) => !freeInputs.has(name));
  if (notFree.length > 0) {
    throw new PipelineError(
      `Inputs must not be outputs from another node in the same pipeline: ${notFree.map((n) => `"${n}"`).join(', ')}.`,
      {
        hint: "List only the pipeline's free inputs in 'inputs'; expose intermediate datasets through 'outputs'.",
      },
    );
  }
  const freeOutputs = outputNames.filter((name) => freeInputs.has(name));
  if (freeOutputs.length > 0) {
    throw new PipelineError(
      `All outputs must be generated by some node within the pipeline: ${freeOutputs.map((n) => `"${n}"`).join(', ')} ` +
        'is a free input.',
      { hint: "Move free inputs from 'outputs' to 'inputs'." },
    );
  }
}

/** Kedro's renaming rules, first match wins. */
function renamer(
  mapping: Map<string, string>,
  namespace: string | undefined,
  prefix: boolean,
): (name: string) => string {
  return (name) => {
    const mapped = mapping.get(name);
    if (mapped !== undefined) return mapped;
    if (name === 'parameters') return name;
    const [base, format] = splitTranscoding(name);
    if (format !== '') {
      const mappedBase = mapping.get(base);
      if (mappedBase !== undefined) return `${mappedBase}${TRANSCODING_SEPARATOR}${format}`;
    }
    if (!prefix || namespace === undefined) return name;
    if (name.startsWith('params:')) return `params:${namespace}.${name.slice('params:'.length)}`;
    return `${namespace}.${name}`;
  };
}

/** Renames the datasets of a wiring and keeps its shape, so the function is called the same way. */
function renameWiring(wiring: DatasetWiring, rename: (name: string) => string): DatasetWiring {
  if (wiring === null || wiring === undefined) return wiring;
  if (typeof wiring === 'string') return rename(wiring);
  if (Array.isArray(wiring)) return wiring.map(rename);
  const record = wiring as Readonly<Record<string, string>>;
  return Object.fromEntries(Object.keys(record).map((key) => [key, rename(record[key]!)]));
}

function joinNamespace(outer: string, inner: string | undefined): string {
  return inner === undefined ? outer : `${outer}.${inner}`;
}
