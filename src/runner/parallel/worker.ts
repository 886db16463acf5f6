/**
 * A parallel-runner worker thread: it loads the project by path (settings, plugins, config,
 * catalog), looks each node up by name and runs it with `runNode`, so node and dataset hooks fire
 * here, in the process that runs the node. Functions never travel; only names and data do.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { DataCatalog } from '../../io/catalog.ts';
import { isParameterName } from '../../io/catalog-parameters.ts';
import { MemoryDataset } from '../../io/datasets/memory.ts';
import { isPromiseLike } from '../../maybe-promise.ts';
import type { Pipeline } from '../../pipeline/pipeline.ts';
import { importBuiltInPlugins } from '../../project/built-in-plugins.ts';
import { openProject } from '../../project/open-project.ts';
import { relayPlugin, serializeError } from '../relay.ts';
import { runNode } from '../run-node.ts';
import { SharedLoads } from '../shared-loads.ts';
import { threadWorker } from '../worker-names.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';
import { LARGE_MEMORY_INPUT, sizeOf } from './placement.ts';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (message: FromWorker) => port.postMessage(message);
/** Nodes a `nodeSkip` plugin skipped, until their `done` message says so. */
const skipReasons = new Map<string, string>();

async function start(): Promise<{
  pipeline: Pipeline;
  catalog: DataCatalog;
  context: Parameters<typeof runNode>[1];
  shared: SharedLoads;
}> {
  const { pipeline, catalog, hooks } = await openProject({
    project: setup.project,
    builtIns: await importBuiltInPlugins(setup.project.builtInPlugins),
    runId: setup.runId,
    saveVersion: setup.saveVersion,
    plugins: (catalog) =>
      setup.relay ? [relayPlugin((event) => send({ type: 'event', event }), catalog)] : [],
    post: (topic, message) => send({ type: 'run-message', topic, message }),
  });
  // This thread's own shared loads; the main thread plans which to keep, node by node.
  const shared = new SharedLoads(catalog);
  return {
    pipeline,
    catalog,
    shared,
    context: {
      catalog,
      hooks,
      runId: setup.runId,
      isAsync: setup.isAsync,
      worker: threadWorker(threadId),
      onSkipped: (node, reason) => void skipReasons.set(node.name, reason),
      sharedLoads: shared,
    },
  };
}

try {
  const { pipeline, catalog, context, shared } = await start();
  send({ type: 'ready' });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') port.close();
    else if (message.type === 'run')
      void runOne(message.nodeName, message.inputs, message.keep, message.share);
    else if (message.type === 'fetch') void fetchKept(message.id, message.names);
    else if (message.type === 'unshare') for (const name of message.names) shared.noneLater(name);
    else if (message.type === 'saved') for (const name of message.names) shared.saved(name);
    else void releaseKept(message.names);
  });

  async function runOne(
    nodeName: string,
    inputs: Readonly<Record<string, unknown>>,
    keep: readonly string[],
    share: Readonly<Record<string, boolean>>,
  ): Promise<void> {
    send({ type: 'started', nodeName });
    const node = pipeline.getNode(nodeName);
    for (const name in share) shared.plan(node, name, share[name]!);
    // Inputs sent with the node are copies for this node only; they are let go afterwards. They
    // are this thread's own, so only the freeze rule still applies (a node behaves the same
    // whichever runner runs it); a declared deepcopy would only copy the copy. Inputs not sent are
    // values this worker kept from an earlier node, in the project's own memory datasets.
    for (const [name, data] of Object.entries(inputs)) {
      const copyMode = handsOverFrozen(catalog, name) ? 'freeze' : 'assign';
      catalog.add(name, new MemoryDataset(name, { copyMode }, { data }), { replace: true });
    }
    const kept: Record<string, number> = {};
    try {
      const outputs = await runNode(node, context);
      const ephemeral: Record<string, unknown> = {};
      for (const name of node.outputs) {
        if (!catalog.isEphemeral(name)) continue;
        // A later node reads it: it stays here (saved by runNode), and that node comes here. A
        // small value also goes to the main process at once, so that a reader placed elsewhere
        // needn't wait for this worker to answer between two of its nodes.
        const dataset = catalog.get(name);
        if (keep.includes(name) && dataset instanceof MemoryDataset && dataset.exists()) {
          kept[name] = sizeOf(outputs[name]);
          if (kept[name] < LARGE_MEMORY_INPUT) ephemeral[name] = outputs[name];
        } else ephemeral[name] = outputs[name];
      }
      const skipped = skipReasons.get(nodeName);
      skipReasons.delete(nodeName);
      // A skipped node loaded nothing: what only it was to read here is let go before `done`.
      shared.finished(node);
      send({
        type: 'done',
        nodeName,
        outputs: ephemeral,
        kept,
        sharing: shared.heldNames(),
        ...(skipped === undefined ? {} : { skipped }),
      });
    } catch (error) {
      skipReasons.delete(nodeName);
      shared.finished(node);
      send({ type: 'failed', nodeName, error: serializeError(error) });
    } finally {
      for (const name of [...node.inputs, ...node.outputs]) {
        if (!catalog.isEphemeral(name) || isParameterName(name)) continue;
        // Kept values (this node's or earlier ones') wait for the main process's `release`.
        if (name in kept || (!(name in inputs) && node.inputs.includes(name))) continue;
        const released = catalog.get(name).release();
        if (isPromiseLike(released)) await released;
      }
    }
  }

  async function fetchKept(id: number, names: readonly string[]): Promise<void> {
    const values: Record<string, unknown> = {};
    try {
      for (const name of names) {
        const dataset = catalog.get(name);
        if (!(dataset instanceof MemoryDataset) || !dataset.exists())
          throw new Error(`Worker thread has no value for memory dataset "${name}".`);
        values[name] = dataset.load();
      }
      send({ type: 'values', id, values });
    } catch (error) {
      send({ type: 'values', id, values: {}, error: serializeError(error) });
    }
  }

  async function releaseKept(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const released = catalog.get(name).release();
      if (isPromiseLike(released)) await released;
    }
  }
} catch (error) {
  send({ type: 'setup-failed', error: serializeError(error) });
}

function handsOverFrozen(catalog: DataCatalog, name: string): boolean {
  const declared = catalog.get(name);
  return declared instanceof MemoryDataset && declared.copyMode === 'freeze';
}
