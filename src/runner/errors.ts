import { SluiceError } from '../errors.ts';
import type { MissingInput } from './missing-inputs.ts';
import { describeMissingInput, missingInputsHint } from './missing-inputs.ts';

/** A run was cancelled (SIGINT, SIGTERM or an aborted signal). The CLI exits with 130. */
export class RunCancelledError extends SluiceError {
  /** @param cause a node error that happened while the run was winding down, if any. */
  constructor(reason?: string, cause?: unknown) {
    super(`The run was cancelled${reason === undefined ? '' : ` (${reason})`}.`, {
      hint: 'Nodes that had finished kept their saved outputs; rerun to continue.',
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** The pipeline needs free inputs that nothing in the catalog provides. */
export class MissingInputsError extends SluiceError {
  /** The missing names, sorted. */
  readonly datasets: readonly string[];
  /** Each missing name with the nodes that read it and the nearest known name. */
  readonly inputs: readonly MissingInput[];

  constructor(missing: readonly (string | MissingInput)[]) {
    const inputs = missing.map((item) =>
      typeof item === 'string' ? { datasetName: item, readers: [] } : item,
    );
    const lines = inputs.map(describeMissingInput);
    super(
      lines.length === 1
        ? lines[0]!
        : `The run needs ${lines.length} inputs that nothing provides:\n${lines.map((line) => `  - ${line}`).join('\n')}`,
      { hint: missingInputsHint(inputs) },
    );
    this.datasets = inputs.map((input) => input.datasetName);
    this.inputs = inputs;
  }
}

/** A `beforeNodeRun` implementation returned something other than a record of input overrides. */
export class InputOverrideError extends SluiceError {}

/**
 * A plugin's hook implementation failed while a node ran. It is the plugin's failure, not the
 * node's: the node is not retried, `onNodeError` does not fire for it, and the run stops (even with
 * `continueOnFailure`) with this error, reported once through `onPipelineError`.
 */
export class PluginHookError extends SluiceError {
  /** The plugin whose implementation threw, when the hook manager could tell. */
  readonly pluginName: string | undefined;
  readonly hookName: string;
  readonly nodeName: string;

  constructor(args: { pluginName: string | undefined; hookName: string; nodeName: string; cause: Error }) {
    const who = args.pluginName === undefined ? 'A plugin' : `Plugin "${args.pluginName}"`;
    super(`${who} failed in ${args.hookName} of node "${args.nodeName}": ${args.cause.message}`, {
      cause: args.cause,
      hint:
        'The node itself did not fail and was not retried. Fix the plugin, or turn it off with ' +
        '`disableHooksForPlugins` in sluice.config.ts.',
    });
    this.pluginName = args.pluginName;
    this.hookName = args.hookName;
    this.nodeName = args.nodeName;
  }
}

/**
 * A plugin found the data a node reads or writes wrong (the validation plugin, say). Thrown from a
 * hook implementation, it is the node's failure, not the plugin's: `onNodeError` fires (so step
 * hooks' `onFailure` and the alerts do), and a run with `continueOnFailure` goes on. The node is
 * not retried: the same data would fail again. Subclass it for a data check of your own.
 */
export class NodeDataError extends SluiceError {}
/** A `nodeSkip` result that can't be honoured (a memory output not served, say); wrapped in `PluginHookError`. */
export class NodeSkipError extends SluiceError {}

/** A plugin's mistake while a node ran: it stops the run, even one that goes on after node failures. */
export function stopsTheRun(error: Error): boolean {
  return error instanceof PluginHookError || error instanceof InputOverrideError;
}

/**
 * A run failure whose `onPipelineError` already fired in another process (a distributed worker
 * that reported the run's coordinator lost, while the coordinator lived on): the session rethrows
 * it without firing `onPipelineError` again, so that the hook fires exactly once per run.
 */
export function pipelineErrorReported(error: Error): boolean {
  return (error as { readonly pipelineErrorReported?: unknown }).pipelineErrorReported === true;
}

/** One node's failure, as reported by a run that went on after it (`continueOnFailure`). */
export interface NodeFailure {
  readonly nodeName: string;
  readonly error: Error;
}

/** With `continueOnFailure`, every failure of the run, reported together at the end. */
export class NodeFailuresError extends SluiceError {
  readonly failures: readonly NodeFailure[];
  readonly skippedNodes: readonly string[];

  constructor(failures: readonly NodeFailure[], skippedNodes: readonly string[]) {
    const lines = failures.map(({ nodeName, error }) => `  - ${nodeName}: ${error.message}`);
    const skipped =
      skippedNodes.length === 0
        ? ''
        : `\n${skippedNodes.length} node(s) depending on them did not run: ${skippedNodes.join(', ')}.`;
    super(`${failures.length} node(s) failed:\n${lines.join('\n')}${skipped}`);
    this.failures = failures;
    this.skippedNodes = skippedNodes;
  }
}

/**
 * A node wrote to an input it shares with other nodes: memory datasets hand over one frozen value
 * (`copy_mode: freeze`, the default) instead of a copy each. The cause is the TypeError JavaScript
 * threw at the write, whose stack points at the line.
 */
export class FrozenInputError extends SluiceError {
  readonly nodeName: string;
  /** The node's inputs that hold frozen values: the write changed one of these. */
  readonly datasets: readonly string[];
  /**
   * Of those, the persisted datasets whose load the run shares between the nodes that read them
   * (docs/catalog.md, "Shared loads"); the others are memory datasets.
   */
  readonly sharedLoads: readonly string[];
  /**
   * Of those, the datasets whose saved value the run hands to their readers (`cached: true`;
   * docs/catalog.md, "Cached datasets").
   */
  readonly cached: readonly string[];

  constructor(
    nodeName: string,
    datasets: readonly string[],
    cause: Error,
    sharedLoads: readonly string[] = [],
    cached: readonly string[] = [],
  ) {
    const names = datasets.map((name) => `"${name}"`).join(', ');
    const where = userFrame(cause);
    const cachedNames = datasets.filter((name) => cached.includes(name));
    const memory = datasets.filter((name) => !sharedLoads.includes(name) && !cached.includes(name));
    const shared = sharedLoads.filter((name) => !cached.includes(name));
    const why = [
      ...(memory.length > 0
        ? [
            'Memory datasets hand every node the same frozen value, so that no node can change what another sees.',
          ]
        : []),
      ...(shared.length > 0
        ? [
            `A dataset that several nodes read is loaded once per run and every one of them gets the same frozen value, as if each had read the file itself.`,
          ]
        : []),
      ...(cachedNames.length > 0
        ? [
            'A dataset with `cached: true` in its catalog entry hands its readers one frozen value, the one its node saved, instead of each reading the file back.',
          ]
        : []),
    ].join(' ');
    const optOuts = [
      ...(memory.length > 0
        ? [
            `declare ${datasets.length === 1 ? 'it' : `"${memory[0]}"`} in conf/base/catalog.yml as \`${memory[0]}: { type: memory, copy_mode: deepcopy }\``,
          ]
        : []),
      ...(shared.length > 0
        ? [
            `add \`share_loads: false\` to the catalog entry of "${shared[0]}" so each node reads its own (or \`runner: { shareLoads: false }\` in sluice.config.ts for the whole project)`,
          ]
        : []),
      ...(cachedNames.length > 0
        ? [
            `remove \`cached: true\` from the catalog entry of "${cachedNames[0]}" so that each node reads the file (with \`share_loads: false\` too if several nodes read it)`,
          ]
        : []),
    ].join('; or ');
    super(
      `Node "${nodeName}" tried to change its input ${datasets.length === 1 ? 'dataset' : 'datasets (one of)'} ${names}${where === undefined ? '' : ` at ${where}`}: ${cause.message}. ${why}`,
      {
        cause,
        hint: `Change a copy instead (structuredClone(value), [...rows], { ...row }), or give this node its own copy: ${optOuts}.`,
      },
    );
    this.nodeName = nodeName;
    this.datasets = datasets;
    this.sharedLoads = sharedLoads;
    this.cached = cachedNames;
  }
}

/** The first stack frame outside Node's internals, as `file:line:column`. */
function userFrame(error: Error): string | undefined {
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/|\/)[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (match !== null && !match[1]!.startsWith('node:')) return match[1];
  }
  return undefined;
}
