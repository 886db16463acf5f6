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
import { threadWorker } from '../worker-names.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.ts';

const port = parentPort!;
const setup = workerData as WorkerSetup;
const send = (message: FromWorker) => port.postMessage(message);
/** Nodes a `nodeSkip` plugin skipped, until their `done` message says so. */
const skipReasons = new Map<string, string>();

async function start(): Promise<{
  pipeline: Pipeline;
  catalog: DataCatalog;
  context: Parameters<typeof runNode>[1];
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
  return {
    pipeline,
    catalog,
    context: {
      catalog,
      hooks,
      runId: setup.runId,
      isAsync: setup.isAsync,
      worker: threadWorker(threadId),
      onSkipped: (node, reason) => void skipReasons.set(node.name, reason),
    },
  };
}

try {
  const { pipeline, catalog, context } = await start();
  send({ type: 'ready' });
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') {
      port.close();
      return;
    }
    void runOne(message.nodeName, message.inputs);
  });

  async function runOne(nodeName: string, inputs: Readonly<Record<string, unknown>>): Promise<void> {
    send({ type: 'started', nodeName });
    const node = pipeline.getNode(nodeName);
    // The main process owns memory data: the worker gets copies for one node, then lets them go.
    // They are this thread's own, so only the freeze rule still applies (a node behaves the same
    // whichever runner runs it); a declared deepcopy would only copy the copy.
    for (const [name, data] of Object.entries(inputs)) {
      const copyMode = handsOverFrozen(catalog, name) ? 'freeze' : 'assign';
      catalog.add(name, new MemoryDataset(name, { copyMode }, { data }), { replace: true });
    }
    try {
      const outputs = await runNode(node, context);
      const ephemeral: Record<string, unknown> = {};
      for (const name of node.outputs) if (catalog.isEphemeral(name)) ephemeral[name] = outputs[name];
      const skipped = skipReasons.get(nodeName);
      skipReasons.delete(nodeName);
      send({ type: 'done', nodeName, outputs: ephemeral, ...(skipped === undefined ? {} : { skipped }) });
    } catch (error) {
      skipReasons.delete(nodeName);
      send({ type: 'failed', nodeName, error: serializeError(error) });
    } finally {
      for (const name of [...node.inputs, ...node.outputs]) {
        if (!catalog.isEphemeral(name) || isParameterName(name)) continue;
        const released = catalog.get(name).release();
        if (isPromiseLike(released)) await released;
      }
    }
  }
} catch (error) {
  send({ type: 'setup-failed', error: serializeError(error) });
}

function handsOverFrozen(catalog: DataCatalog, name: string): boolean {
  const declared = catalog.get(name);
  return declared instanceof MemoryDataset && declared.copyMode === 'freeze';
}
