/**
 * The errors of the pipeline model. Each is its own class so that callers (the CLI, the runner,
 * the conformance adapter) can tell them apart without parsing messages.
 */
import { SluiceError } from '../errors.ts';

/** A node is defined wrongly: no inputs and no outputs, an output that is also an input, a bad name... */
export class NodeDefinitionError extends SluiceError {}

/** `node.call()` got a set of input values that doesn't match the node's declared inputs. */
export class NodeInputError extends SluiceError {
  /** Full name of the node. */
  readonly nodeName: string;
  /** Declared inputs that had no value. */
  readonly missing: readonly string[];
  /** Values given for datasets the node does not declare. */
  readonly unexpected: readonly string[];

  constructor(nodeName: string, missing: readonly string[], unexpected: readonly string[]) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${quoteList(missing)}`);
    if (unexpected.length > 0) parts.push(`unexpected ${quoteList(unexpected)}`);
    super(`Node "${nodeName}" was called with the wrong inputs: ${parts.join('; ')}.`, {
      hint: 'Pass exactly one value per declared input, keyed by dataset name.',
    });
    this.nodeName = nodeName;
    this.missing = missing;
    this.unexpected = unexpected;
  }
}

/** A node function returned a value that doesn't fit the node's declared outputs. */
export class NodeOutputError extends SluiceError {
  /** Full name of the node. */
  readonly nodeName: string;

  constructor(nodeName: string, message: string, hint: string) {
    super(`Node "${nodeName}" returned a value that doesn't fit its outputs: ${message}`, { hint });
    this.nodeName = nodeName;
  }
}

/** Two nodes of one pipeline share a full name. */
export class DuplicateNodeNameError extends SluiceError {
  /** The names that appear more than once, in code-point order. */
  readonly names: readonly string[];

  constructor(names: readonly string[]) {
    super(`Pipeline nodes must have unique names. These names appear more than once: ${quoteList(names)}.`, {
      hint: 'Give each node its own name with the `name` option, or put copies in different namespaces.',
    });
    this.names = names;
  }
}

/** A dataset is referenced both as `ds` and as `ds@format`. */
export class TranscodingError extends SluiceError {
  /** The plain names that are also used with a transcoding format. */
  readonly datasets: readonly string[];

  constructor(datasets: readonly string[]) {
    super(
      `These datasets are used with transcoding but also referenced without the separator: ${quoteList(datasets)}.`,
      { hint: 'Reference every use as "name@format", or rename the plain dataset.' },
    );
    this.datasets = datasets;
  }
}

/** More than one node produces the same dataset. */
export class OutputNotUniqueError extends SluiceError {
  /** The datasets (transcoding stripped) with more than one producer, in code-point order. */
  readonly datasets: readonly string[];

  constructor(datasets: readonly string[]) {
    super(
      `Output(s) ${quoteList(datasets)} are produced by more than one node. Node outputs must be unique.`,
      {
        hint: 'Rename one of the outputs, or merge the nodes that write it.',
      },
    );
    this.datasets = datasets;
  }
}

/** The nodes' wiring contains a cycle, so there is no order to run them in. */
export class CircularDependencyError extends SluiceError {
  /** One cycle, as full node names: each node feeds the next, and the last feeds the first. */
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    const path = [...cycle, cycle[0]].map((name) => `"${name}"`).join(' -> ');
    super(`Circular dependency among ${cycle.length} node(s): ${path}.`, {
      hint: 'A node cannot depend, directly or through others, on its own outputs. Break the loop.',
    });
    this.cycle = cycle;
  }
}

/** A filter or lookup named a node that the pipeline doesn't contain. */
export class UnknownNodeError extends SluiceError {
  /** The names that matched no node. */
  readonly names: readonly string[];

  constructor(names: readonly string[], suggestion: string) {
    super(`Pipeline does not contain nodes named ${quoteList(names)}.${suggestion}`, {
      hint: 'Use full node names ("namespace.name"); `sluice pipeline describe [PIPELINE]` lists them.',
    });
    this.names = names;
  }
}

/** A filter named a dataset that the pipeline doesn't use. */
export class UnknownDatasetError extends SluiceError {
  /** The names that matched no dataset. */
  readonly names: readonly string[];

  constructor(names: readonly string[], suggestion: string) {
    super(`Pipeline does not contain datasets named ${quoteList(names)}.${suggestion}`, {
      hint: 'Check the spelling; a transcoded dataset can be named with or without its "@format".',
    });
    this.names = names;
  }
}

/** A filter named a namespace that no node of the pipeline lives in. */
export class UnknownNamespaceError extends SluiceError {
  /** The namespaces that matched no node. */
  readonly namespaces: readonly string[];

  constructor(namespaces: readonly string[], suggestion: string) {
    super(`Pipeline does not contain nodes with the namespaces ${quoteList(namespaces)}.${suggestion}`, {
      hint: 'A namespace filter matches the namespace and the namespaces nested in it.',
    });
    this.namespaces = namespaces;
  }
}

/** `pipeline.filter()` left no node. */
export class EmptyPipelineError extends SluiceError {}

/**
 * The modular `pipeline()` factory was given a mapping that doesn't fit the pipeline: an input that
 * is not a free input, an output that no node produces, a name that doesn't exist...
 */
export class PipelineError extends SluiceError {}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `"${name}"`).join(', ');
}
