import type { DataCatalog, Node, NodeSkip, SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { reasonToRun, UP_TO_DATE } from './decision.ts';
import type { NodeRecord } from './node-record.ts';
import type { Observation } from './observation.ts';
import { observe } from './observation.ts';
import { IncrementalState } from './state-store.ts';
import { FunctionSources } from './function-sources.ts';

/** The incremental plugin's name, as registered (`disableHooksForPlugins: ['incremental']`). */
export const INCREMENTAL_PLUGIN_NAME = 'incremental';

/** The topic of the messages that carry each node's decision to the main process. */
export const INCREMENTAL_DECISION_TOPIC = 'sluice:incremental';

/** One node's decision, as posted to the main process (`onRunMessage`). */
export interface IncrementalDecision {
  readonly node: string;
  /** True when the node was skipped. */
  readonly skipped: boolean;
  /** Why: "up to date", "no record", "code changed", "param model_options.test_size changed"... */
  readonly reason: string;
}

/** Options of {@link incrementalPlugin}. */
export interface IncrementalOptions {
  /** Print each node's decision and its reason, in the main process (`sluice run --explain`). */
  readonly explain?: boolean | undefined;
  /** Where `explain` lines go. Default: standard error. */
  readonly write?: ((line: string) => void) | undefined;
  /**
   * Count the project modules a node's function comes from, and those they import by relative
   * path, as its code: a change to a helper reruns the nodes whose modules import it. Found
   * through the process's own inspector, once per module and process. Default false: only the
   * function's own source.
   */
  readonly followImports?: boolean | undefined;
}

/**
 * Incremental runs, on the `nodeSkip` hook: a node is skipped when its code, the fingerprints of
 * its inputs and the parameters it reads all match its last successful run, and its outputs are
 * still there (in-memory outputs are served from values kept at that run). The state lives under
 * `.sluice/incremental/` and is written after a node's outputs are saved, so a crash in between
 * means a rerun, never a wrong skip. Each decision goes to the main process as a run message,
 * which `explain` prints. Never keyed on the run id.
 */
export function incrementalPlugin(
  options: IncrementalOptions = {},
): SluicePlugin & { readonly name: string } {
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sources = options.followImports === true ? new FunctionSources() : undefined;
  let state: IncrementalState | undefined;
  let post: (topic: string, message: unknown) => void = () => {};
  /** Nodes that run, with what they were observed to run on, until their record is written. */
  const running = new Map<string, Observation>();
  /** In-memory outputs of the nodes that ran, from afterNodeRun to their record. */
  const produced = new Map<string, Record<string, unknown>>();

  const decide = (node: Node, skipped: boolean, reason: string) =>
    post(INCREMENTAL_DECISION_TOPIC, { node: node.name, skipped, reason } satisfies IncrementalDecision);

  return definePlugin({
    name: INCREMENTAL_PLUGIN_NAME,
    afterContextCreated({ context }) {
      state = new IncrementalState(context.projectPath);
      post = context.post;
    },
    async nodeSkip({ node, catalog }): Promise<NodeSkip | undefined> {
      const store = (state ??= new IncrementalState(process.cwd()));
      const now = await observe(node, catalog, sources);
      const record = await store.read(node.name);
      const verdict = reasonToRun(record, now) ?? (await servable(node, catalog, record!, store));
      if (typeof verdict === 'string') {
        running.set(node.name, now);
        decide(node, false, verdict);
        return undefined;
      }
      decide(node, true, UP_TO_DATE);
      return { reason: UP_TO_DATE, outputs: verdict };
    },
    afterNodeRun({ node, outputs, catalog }) {
      if (!running.has(node.name)) return;
      const memory: Record<string, unknown> = {};
      for (const name of node.outputs) if (catalog.isEphemeral(name)) memory[name] = outputs[name];
      produced.set(node.name, memory);
    },
    async onNodeEnd({ node, catalog, error }) {
      const ran = running.get(node.name);
      const memory = produced.get(node.name) ?? {};
      running.delete(node.name);
      produced.delete(node.name);
      if (ran === undefined || error !== undefined || state === undefined) return;
      // Taken right after the saves: a run that overwrites these outputs later (a concurrent run
      // of the project) changes their fingerprints, and this record stops matching.
      const outputs: Record<string, string | null> = {};
      for (const name of node.outputs)
        if (!catalog.isEphemeral(name)) outputs[name] = (await catalog.fingerprint(name)) ?? null;
      const memoryOutputs: Record<string, string | null> = {};
      // Values first, the record last: a record never names a value that isn't stored.
      for (const [name, value] of Object.entries(memory)) memoryOutputs[name] = await state.putValue(value);
      const record: NodeRecord = { format: 1, node: node.name, ...ran, outputs, memoryOutputs };
      await state.write(record);
    },
    onRunMessage({ topic, message }) {
      if (topic !== INCREMENTAL_DECISION_TOPIC || options.explain !== true) return;
      const decision = message as IncrementalDecision;
      write(`[incremental] ${decision.node}: ${decision.skipped ? 'skipped' : 'runs'}, ${decision.reason}`);
    },
  });
}

/**
 * The node's record still holds: it is skipped if its persisted outputs are still what it saved
 * (or, without fingerprints, still exist) and its in-memory outputs can be served from stored
 * values. Returns those values, or why it must run.
 */
async function servable(
  node: Node,
  catalog: DataCatalog,
  record: NodeRecord,
  store: IncrementalState,
): Promise<Record<string, unknown> | string> {
  const served: Record<string, unknown> = {};
  for (const name of node.outputs) {
    if (!catalog.isEphemeral(name)) {
      if (!(await catalog.exists(name))) return `output ${name} missing`;
      const saved = record.outputs[name];
      if (saved !== null && saved !== (await catalog.fingerprint(name))) return `output ${name} changed`;
      continue;
    }
    const hash = record.memoryOutputs[name];
    if (hash === undefined || hash === null) return `output ${name} can't be kept between runs`;
    const stored = await store.getValue(hash);
    if (!stored.found) return `output ${name} is no longer stored`;
    served[name] = stored.value;
  }
  return served;
}
