import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isParameterName } from '../../io/catalog-parameters.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { FileDataset } from '../../io/datasets/file-dataset.ts';
import type { Node } from '../../pipeline/node.ts';
import type { BuiltInPlugins } from '../../project/built-in-plugins.ts';
import type { OpenedProject } from '../../project/open-project.ts';
import { openProject } from '../../project/open-project.ts';
import { relayPlugin, serializeError } from '../relay.ts';
import { RetryHandedBack, runNode } from '../run-node.ts';
import { settle } from '../../maybe-promise.ts';
import { defaultRunParams } from '../../run-types/run-params.ts';
import { RunCancelledError } from '../errors.ts';
import { CoordinatorLostError, ProjectMismatchError } from './errors.ts';
import { ExchangeDataset } from './exchange-dataset.ts';
import { projectFingerprint } from './fingerprint.ts';
import type {
  JobReply,
  NodeDelivery,
  NodeJob,
  NodeJobHandler,
  RetryHandBack,
  RunMessage,
} from './transport.ts';
import { WorkerSlots } from './worker-slots.ts';

/** What a worker runs node jobs with. */
export interface NodeJobHandlerOptions {
  /** This worker's copy of the project; it replaces the coordinator's path in every job. */
  readonly projectPath: string;
  /** The built-in plugins each opened project registers first (the worker command's own). */
  readonly builtIns: BuiltInPlugins;
  /** Runs whose opened projects a worker keeps for their next nodes. */
  readonly keepRuns?: number;
}

/** One copy of the project opened for a run: one node at a time runs on it. */
interface RunCopy {
  readonly opened: OpenedProject;
  /** Where its relay and `context.post` send: the run's channel, through the job it runs or ran last. */
  reply: JobReply;
}

/**
 * How a distributed worker runs a node job: it checks the job's project fingerprint against its
 * own copy's, opens the project for the job's run (once per run and concurrent slot, as a
 * parallel worker thread does: afterContextCreated and afterCatalogCreated fire there), puts the
 * run's memory datasets behind the exchange, and runs the node with `runNode`, so node and dataset
 * hooks fire here. Relayed events and run messages go back on the run's channel, then `done` or
 * `failed`. Whatever goes wrong is the node's failure, reported to the coordinator; it throws only
 * when even that report can't leave (Redis lost). A failed attempt whose retry is due is handed
 * back (`runNode`'s `handBackRetries`): `onNodeRetry` fires here, the coordinator hears
 * `retrying`, and the handler answers the transport with the retry, so that the wait holds no
 * worker slot and the next attempt (a job with `resume`) runs on whichever worker takes it. The
 * run's cancellation (`signal`) is the project copy's `context.signal` and the node's `signal` in
 * `runNode`; a job of a run already cancelled fails with `RunCancelledError` without running (a
 * resumed one ends in `runNode`, so its `onNodeEnd` fires).
 */
export function nodeJobHandler(options: NodeJobHandlerOptions): NodeJobHandler {
  const fingerprints = new Map<string, Promise<string>>();
  const fingerprintFor = (job: NodeJob) => {
    const key = `${job.project.confSource}\0${job.project.env}`;
    let fingerprint = fingerprints.get(key);
    if (fingerprint === undefined) {
      // Taken once, when the worker first serves that configuration: a worker whose files changed
      // since then runs the code it loaded, so it must keep saying so.
      fingerprint = projectFingerprint({
        projectPath: options.projectPath,
        confSource: job.project.confSource,
        env: job.project.env,
      });
      fingerprints.set(key, fingerprint);
    }
    return fingerprint;
  };
  const keepRuns = options.keepRuns ?? 4;
  /** Idle copies per run, most recently used run last. */
  const idle = new Map<string, RunCopy[]>();
  const slots = new WorkerSlots();

  const take = async (job: NodeJob, reply: JobReply, signal: AbortSignal): Promise<RunCopy> => {
    const copies = idle.get(job.runId);
    const reused = copies?.pop();
    if (reused !== undefined) {
      reused.reply = reply;
      return reused;
    }
    const copy: { reply: JobReply } = { reply };
    const post = (message: RunMessage) => void copy.reply.send(message).catch(() => {});
    const opened = await openProject({
      project: { ...job.project, projectPath: options.projectPath },
      runId: job.runId,
      saveVersion: job.saveVersion,
      plugins: (catalog) =>
        job.relay ? [relayPlugin((event) => post({ type: 'event', event }), catalog)] : [],
      post: (topic, message) => post({ type: 'run-message', topic, message }),
      signal,
      builtIns: options.builtIns,
    });
    return Object.assign(copy, { opened });
  };
  const giveBack = (runId: string, copy: RunCopy) => {
    const copies = idle.get(runId) ?? [];
    idle.delete(runId);
    idle.set(runId, [...copies, copy]);
    while (idle.size > keepRuns) idle.delete(idle.keys().next().value!);
  };

  return async (job, reply, signal, delivery?: NodeDelivery) => {
    let message: RunMessage;
    let skipped: string | undefined;
    const slot = slots.take();
    let handBack: RetryHandBack | undefined;
    try {
      if (signal.aborted && job.resume === undefined)
        throw new RunCancelledError('before this worker started the node');
      const actual = await fingerprintFor(job);
      if (actual !== job.fingerprint)
        throw new ProjectMismatchError(job.nodeName, job.fingerprint, actual, options.projectPath);
      const copy = await take(job, reply, signal);
      try {
        const { catalog, hooks, pipeline } = copy.opened;
        const node = pipeline.getNode(job.nodeName);
        for (const name of [...node.inputs, ...node.outputs]) {
          if (!catalog.isEphemeral(name) || isParameterName(name)) continue;
          catalog.add(name, new ExchangeDataset(reply.exchange, job.runId, name, node.name), {
            replace: true,
          });
        }
        if (delivery?.redelivered === true) await removeLostDeliveryVersions(node, catalog, job);
        await runNode(node, {
          catalog,
          hooks,
          runId: job.runId,
          isAsync: job.isAsync,
          signal,
          worker: slots.name(slot),
          onSkipped: (_node, reason) => void (skipped = reason),
          resume: job.resume,
          handBackRetries: true,
        });
      } finally {
        giveBack(job.runId, copy);
      }
      message = { type: 'done', nodeName: job.nodeName, ...(skipped === undefined ? {} : { skipped }) };
    } catch (error) {
      if (error instanceof RetryHandedBack) {
        handBack = { resume: error.resume, delayMs: error.delayMs };
        message = {
          type: 'retrying',
          nodeName: job.nodeName,
          attempt: error.resume.attempt - 1,
          delayMs: error.delayMs,
        };
      } else message = { type: 'failed', nodeName: job.nodeName, error: serializeError(error) };
    } finally {
      slots.give(slot);
    }
    await reply.send(message);
    return handBack;
  };
}

/**
 * A redelivered node runs again from its inputs, but its lost delivery may have saved a versioned
 * output already, under the run's version; versions are never overwritten, so the rerun would
 * fail. Only this node writes its outputs, and a version named after this run's id can only come
 * from this run, so that version is the lost delivery's and goes. A save version the user chose
 * (`catalog.saveVersion`) may name older data and is left alone.
 */
async function removeLostDeliveryVersions(node: Node, catalog: DataCatalog, job: NodeJob): Promise<void> {
  if (job.saveVersion !== job.runId) return;
  for (const name of node.outputs) {
    const dataset = catalog.get(name);
    if (dataset instanceof FileDataset && dataset.versioned)
      await rm(join(dataset.filepath, job.saveVersion), { recursive: true, force: true });
  }
}

/**
 * What the worker that noticed a lost coordinator does (see `WorkerTransport.consume`): it opens
 * the project for the run and fires onPipelineError, once for the run, with a
 * `CoordinatorLostError`, through the project's hooks (its `process: 'main'` plugins lived in the
 * lost coordinator). The pipeline is the registered one the run's nodes came from.
 */
export function coordinatorLostReporter(options: {
  readonly projectPath: string;
  readonly queue: string;
  readonly builtIns: BuiltInPlugins;
}): (job: NodeJob) => Promise<void> {
  return async (job) => {
    const { hooks, pipeline, catalog } = await openProject({
      project: { ...job.project, projectPath: options.projectPath },
      runId: job.runId,
      saveVersion: job.saveVersion,
      post: () => {},
      builtIns: options.builtIns,
    });
    const runParams =
      job.runParams ??
      defaultRunParams({
        runId: job.runId,
        projectPath: options.projectPath,
        env: job.project.env,
        confSource: job.project.confSource,
        pipelineName: job.project.pipelineName,
        runtimeParams: job.project.runtimeParams,
        loadVersions: job.project.loadVersions,
        runner: 'distributed',
      });
    const error = new CoordinatorLostError(job.runId, options.queue);
    await settle(hooks.hook.onPipelineError.call({ error, runParams, pipeline, catalog }));
  };
}
