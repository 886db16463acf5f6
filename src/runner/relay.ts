import type { HookName } from '../hooks/plugin.ts';
import type { SluiceHookManager, SluicePlugin } from '../hooks/sluice-manager.ts';
import type { HookSpecs } from '../hooks/specs.ts';
import type { DataCatalog } from '../io/catalog.ts';
import type { DatasetDescription, SaveResult } from '../io/dataset.ts';
import { dataShape } from '../io/data-shape.ts';
import { isPromiseLike } from '../maybe-promise.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { SluiceError } from '../errors.ts';
import { asError } from '../errors.ts';
import { InputOverrideError, PluginHookError } from './errors.ts';
import { pluginFailure } from './invoke-hook.ts';
import type { Node } from '../pipeline/node.ts';

/**
 * What a relayed hook sees instead of data: the dataset's description and a small summary of the
 * value. Data never crosses processes for relaying (kedro-viz #1801 asked for the events, not
 * the bytes), so relaying costs the same whatever the data weighs.
 */
export class RelayedData {
  readonly relayed = true;
  constructor(
    readonly datasetName: string,
    readonly description: DatasetDescription,
    /** `array`, `object`, `string`... or the class name of an instance. */
    readonly kind: string,
    /** Items in an array, characters in a string, keys of a plain object, rows of an Arrow table. */
    readonly size: number | undefined,
    /**
     * Columns of table-like data (an array of records: the keys of its first record; an Arrow
     * table: its own count), read where the node ran without a pass over the data. Filled on the
     * `data` of dataset hooks only (`afterDatasetLoaded`, `beforeDatasetSaved`,
     * `afterDatasetSaved`); undefined for anything else.
     */
    readonly columns?: number | undefined,
    /** The column names and types, on the same terms as `columns`. */
    readonly schema?: readonly { readonly name: string; readonly type: string }[] | undefined,
  ) {}
}

/** True for the placeholders relayed hooks receive in place of data. */
export function isRelayed(value: unknown): value is RelayedData {
  return value instanceof RelayedData;
}

/** The node and dataset hooks that are relayed to `process: 'main'` plugins. */
export const RELAYED_HOOKS = [
  'onNodeStart',
  'onNodeSkipped',
  'onNodeRetry',
  'onNodeEnd',
  'beforeDatasetLoaded',
  'afterDatasetLoaded',
  'beforeNodeRun',
  'afterNodeRun',
  'onNodeError',
  'beforeDatasetSaved',
  'afterDatasetSaved',
] as const satisfies readonly HookName<HookSpecs>[];

export type RelayedHookName = (typeof RELAYED_HOOKS)[number];

/** One event as it crosses from a worker to the main process: plain, structured-clone-safe data. */
export interface RelayedEvent {
  readonly hook: RelayedHookName;
  readonly nodeName: string;
  readonly datasetName?: string;
  readonly data?: RelayedDataShape;
  readonly inputs?: Record<string, RelayedDataShape>;
  readonly outputs?: Record<string, RelayedDataShape>;
  readonly error?: SerializedError;
  readonly isAsync?: boolean;
  readonly runId?: string;
  /** onNodeRetry: the attempt that failed and the wait before the next. */
  readonly attempt?: number;
  readonly delayMs?: number;
  /** afterDatasetSaved: what the dataset reported about the write (plain numbers and strings). */
  readonly saved?: SaveResult;
  /**
   * onNodeEnd: attempts made and the time they took, in the worker (onNodeRetry: so far); dataset
   * hooks: the load or save time.
   */
  readonly attempts?: number;
  readonly durationMs?: number;
  /** onNodeRetry, onNodeEnd: the time of the attempt that just ended. */
  readonly attemptDurationMs?: number;
  /** onNodeSkipped: the reason the `nodeSkip` plugin gave. */
  readonly reason?: string;
  /** onNodeStart, onNodeSkipped, onNodeRetry, onNodeEnd: where the node ran (`WorkerName`). */
  readonly worker?: string;
}

type RelayedDataShape = Pick<RelayedData, 'datasetName' | 'description' | 'kind' | 'size'> &
  Partial<Pick<RelayedData, 'columns' | 'schema'>>;

/** The worker of an event whose sender didn't name one. */
const UNKNOWN_WORKER = 'unknown';

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly hint?: string | undefined;
  /** Set when a plugin, not the node, failed: the main process rebuilds a `PluginHookError`. */
  readonly plugin?: {
    readonly pluginName: string | undefined;
    readonly hookName: string;
    readonly nodeName: string;
    readonly cause: SerializedError;
  };
}

export function serializeError(error: unknown): SerializedError {
  const value = asError(error);
  const hint = value instanceof SluiceError ? value.hint : undefined;
  const serialized = { name: value.name, message: value.message, stack: value.stack, hint };
  if (!(value instanceof PluginHookError)) return serialized;
  const { pluginName, hookName, nodeName } = value;
  return { ...serialized, plugin: { pluginName, hookName, nodeName, cause: serializeError(value.cause) } };
}

/**
 * An error rebuilt from another process: same name, message, hint and stack. Its class is lost,
 * except for the errors the runners act on: a plugin's failure and a bad input override stop the
 * run here as they would have there.
 */
export function deserializeError(serialized: SerializedError): Error {
  let error: Error;
  if (serialized.plugin !== undefined) {
    const { pluginName, hookName, nodeName, cause } = serialized.plugin;
    error = new PluginHookError({ pluginName, hookName, nodeName, cause: deserializeError(cause) });
  } else if (serialized.name === 'InputOverrideError') {
    error = new InputOverrideError(serialized.message, optionalHint(serialized.hint));
  } else if (serialized.hint !== undefined) {
    error = new SluiceError(serialized.message, { hint: serialized.hint });
    error.name = serialized.name;
  } else {
    error = new Error(serialized.message);
    error.name = serialized.name;
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

function optionalHint(hint: string | undefined): { hint: string } | undefined {
  return hint === undefined ? undefined : { hint };
}

function summarize(datasetName: string, data: unknown, catalog: DataCatalog): RelayedDataShape {
  let kind: string = typeof data;
  let size: number | undefined;
  if (data === null) kind = 'null';
  else if (Array.isArray(data)) [kind, size] = ['array', data.length];
  else if (typeof data === 'string') size = data.length;
  else if (typeof data === 'object') {
    const prototype = Object.getPrototypeOf(data) as { constructor?: { name?: string } } | null;
    const className = prototype?.constructor?.name;
    kind = className === undefined || className === 'Object' ? 'object' : className;
    if (kind === 'object') size = Object.keys(data).length;
    else if (typeof (data as { numRows?: unknown }).numRows === 'number')
      size = (data as { numRows: number }).numRows;
  }
  return { datasetName, description: catalog.describe(datasetName), kind, size };
}

/**
 * A dataset hook's data: the summary plus the columns and schema the tracking plugin records for
 * loads and saves in process, read the same cheap way (`dataShape`: an Arrow table's own schema,
 * the keys of an array's first record), so every runner records the same dataset stats.
 */
function summarizeWithShape(datasetName: string, data: unknown, catalog: DataCatalog): RelayedDataShape {
  const summary = summarize(datasetName, data, catalog);
  const shape = dataShape(data);
  if (shape === undefined || (shape.columns === undefined && shape.schema === undefined)) return summary;
  return {
    ...summary,
    ...(shape.columns === undefined ? {} : { columns: shape.columns }),
    ...(shape.schema === undefined ? {} : { schema: shape.schema }),
  };
}

function summarizeAll(
  values: Readonly<Record<string, unknown>>,
  catalog: DataCatalog,
): Record<string, RelayedDataShape> {
  const summaries: Record<string, RelayedDataShape> = {};
  for (const [name, value] of Object.entries(values)) summaries[name] = summarize(name, value, catalog);
  return summaries;
}

/**
 * The worker side: a plugin that turns each node and dataset hook into a `RelayedEvent` and hands
 * it to `send`. It runs last (trylast), so an event leaves after the worker's own plugins ran.
 * `catalog` gives the worker's catalog, which describes the datasets.
 */
export function relayPlugin(
  post: (event: RelayedEvent) => unknown,
  catalog: () => DataCatalog,
): SluicePlugin {
  // Hooks must return nothing here: a beforeNodeRun result would be taken for input overrides.
  const send = (event: RelayedEvent): void => void post(event);
  const last = <T>(handler: T) => ({ trylast: true, handler });
  const describe = (datasetName: string, data: unknown) => summarizeWithShape(datasetName, data, catalog());
  return {
    name: 'sluice:relay',
    onNodeStart: last(({ node, runId, worker }) =>
      send({ hook: 'onNodeStart', nodeName: node.name, runId, worker }),
    ),
    onNodeSkipped: last(({ node, runId, reason, worker }) =>
      send({ hook: 'onNodeSkipped', nodeName: node.name, runId, reason, worker }),
    ),
    onNodeRetry: last(({ error, node, attempt, delayMs, runId, durationMs, attemptDurationMs, worker }) =>
      send({
        hook: 'onNodeRetry',
        nodeName: node.name,
        error: serializeError(error),
        attempt,
        delayMs,
        runId,
        durationMs,
        attemptDurationMs,
        worker,
      }),
    ),
    onNodeEnd: last(({ node, runId, error, attempts, durationMs, attemptDurationMs, worker }) =>
      send({
        hook: 'onNodeEnd',
        nodeName: node.name,
        runId,
        attempts,
        durationMs,
        attemptDurationMs,
        worker,
        ...(error === undefined ? {} : { error: serializeError(error) }),
      }),
    ),
    beforeDatasetLoaded: last(({ datasetName, node }) =>
      send({ hook: 'beforeDatasetLoaded', nodeName: node.name, datasetName }),
    ),
    afterDatasetLoaded: last(({ datasetName, data, node, durationMs }) =>
      send({
        hook: 'afterDatasetLoaded',
        nodeName: node.name,
        datasetName,
        data: describe(datasetName, data),
        durationMs,
      }),
    ),
    beforeNodeRun: last(({ node, inputs, isAsync, runId }) =>
      send({
        hook: 'beforeNodeRun',
        nodeName: node.name,
        inputs: summarizeAll(inputs, catalog()),
        isAsync,
        runId,
      }),
    ),
    afterNodeRun: last(({ node, inputs, outputs, isAsync, runId }) =>
      send({
        hook: 'afterNodeRun',
        nodeName: node.name,
        inputs: summarizeAll(inputs, catalog()),
        outputs: summarizeAll(outputs, catalog()),
        isAsync,
        runId,
      }),
    ),
    onNodeError: last(({ error, node, inputs, isAsync, runId }) =>
      send({
        hook: 'onNodeError',
        nodeName: node.name,
        error: serializeError(error),
        inputs: summarizeAll(inputs, catalog()),
        isAsync,
        runId,
      }),
    ),
    beforeDatasetSaved: last(({ datasetName, data, node }) =>
      send({
        hook: 'beforeDatasetSaved',
        nodeName: node.name,
        datasetName,
        data: describe(datasetName, data),
      }),
    ),
    afterDatasetSaved: last(({ datasetName, data, node, durationMs, saved }) =>
      send({
        hook: 'afterDatasetSaved',
        nodeName: node.name,
        datasetName,
        data: describe(datasetName, data),
        durationMs,
        ...(saved === undefined ? {} : { saved }),
      }),
    ),
  };
}

/** Names of the plugins that live in the main process only (`process: 'main'`). */
export function mainProcessPlugins(hooks: SluiceHookManager): string[] {
  return hooks
    .plugins()
    .filter(([, plugin]) => (plugin as { process?: unknown }).process === 'main')
    .map(([name]) => name);
}

/**
 * The main side: delivers relayed events to the `process: 'main'` plugins only (the others ran in
 * the worker already), with the main process's node and catalog and `RelayedData` for data.
 */
type RelayedCallers = { [K in RelayedHookName]: SluiceHookManager['hook'][K] };

export class RelayedEventDelivery {
  readonly #callers: RelayedCallers;
  readonly #pipeline: Pipeline;
  readonly #catalog: DataCatalog;

  constructor(hooks: SluiceHookManager, pipeline: Pipeline, catalog: DataCatalog) {
    const main = new Set(mainProcessPlugins(hooks));
    const others = hooks
      .plugins()
      .map(([name]) => name)
      .filter((name) => !main.has(name));
    this.#callers = Object.fromEntries(
      RELAYED_HOOKS.map((hook) => [hook, hooks.subsetCaller(hook, others)]),
    ) as RelayedCallers;
    this.#pipeline = pipeline;
    this.#catalog = catalog;
  }

  /**
   * Calls the event's hook on the main-process plugins; a promise when one of them is async. A
   * plugin that fails here fails with a `PluginHookError`, as it would where the node ran.
   */
  deliver(event: RelayedEvent): unknown {
    const node = this.#pipeline.getNode(event.nodeName);
    let result: unknown;
    try {
      result = this.#call(node, event);
    } catch (error) {
      throw pluginFailure(node, event.hook, error);
    }
    if (isPromiseLike(result))
      return Promise.resolve(result).catch((error: unknown) => {
        throw pluginFailure(node, event.hook, error);
      });
    return undefined;
  }

  #call(node: Node, event: RelayedEvent): unknown {
    const catalog = this.#catalog;
    const data = event.data === undefined ? undefined : revive(event.data);
    const inputs = reviveAll(event.inputs);
    const isAsync = event.isAsync ?? false;
    const runId = event.runId ?? '';
    const datasetName = event.datasetName ?? '';
    const worker = event.worker ?? UNKNOWN_WORKER;
    const callers = this.#callers;
    let result: unknown;
    switch (event.hook) {
      case 'onNodeStart':
        result = callers.onNodeStart.call({ node, catalog, runId, worker });
        break;
      case 'onNodeSkipped':
        result = callers.onNodeSkipped.call({ node, catalog, runId, reason: event.reason ?? '', worker });
        break;
      case 'onNodeRetry':
        result = callers.onNodeRetry.call({
          error: deserializeError(event.error!),
          node,
          catalog,
          attempt: event.attempt ?? 1,
          delayMs: event.delayMs ?? 0,
          runId,
          durationMs: event.durationMs ?? 0,
          attemptDurationMs: event.attemptDurationMs ?? 0,
          worker,
        });
        break;
      case 'onNodeEnd':
        result = callers.onNodeEnd.call({
          node,
          catalog,
          runId,
          error: event.error === undefined ? undefined : deserializeError(event.error),
          attempts: event.attempts ?? 1,
          durationMs: event.durationMs ?? 0,
          attemptDurationMs: event.attemptDurationMs ?? 0,
          worker,
        });
        break;
      case 'beforeDatasetLoaded':
        result = callers.beforeDatasetLoaded.call({ datasetName, node });
        break;
      case 'afterDatasetLoaded':
        result = callers.afterDatasetLoaded.call({
          datasetName,
          data,
          node,
          durationMs: event.durationMs ?? 0,
        });
        break;
      case 'beforeNodeRun':
        result = callers.beforeNodeRun.call({ node, catalog, inputs, isAsync, runId });
        break;
      case 'afterNodeRun':
        result = callers.afterNodeRun.call({
          node,
          catalog,
          inputs,
          outputs: reviveAll(event.outputs),
          isAsync,
          runId,
        });
        break;
      case 'onNodeError':
        result = callers.onNodeError.call({
          error: deserializeError(event.error!),
          node,
          catalog,
          inputs,
          isAsync,
          runId,
        });
        break;
      case 'beforeDatasetSaved':
        result = callers.beforeDatasetSaved.call({ datasetName, data, node });
        break;
      case 'afterDatasetSaved':
        result = callers.afterDatasetSaved.call({
          datasetName,
          data,
          node,
          durationMs: event.durationMs ?? 0,
          saved: event.saved,
        });
        break;
    }
    return result;
  }
}

function revive(shape: RelayedDataShape): RelayedData {
  return new RelayedData(
    shape.datasetName,
    shape.description,
    shape.kind,
    shape.size,
    shape.columns,
    shape.schema,
  );
}

function reviveAll(shapes: Record<string, RelayedDataShape> | undefined): Record<string, RelayedData> {
  const revived: Record<string, RelayedData> = {};
  for (const [name, shape] of Object.entries(shapes ?? {})) revived[name] = revive(shape);
  return revived;
}
