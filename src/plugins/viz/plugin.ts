import type { SluicePlugin } from '../../plugin-api/index.ts';
import { definePlugin } from '../../plugin-api/index.ts';
import { VizReporter } from './reporter.ts';
import { readServerAddress } from './server-address.ts';

/** The viz plugin's name, as registered. */
export const VIZ_PLUGIN_NAME = 'sluice:viz';

/**
 * The topic another plugin posts annotations on: `context.post(VIZ_ANNOTATION_TOPIC, { target:
 * 'node:train_model', label: 'rows', text: '1,024' })` shows "rows: 1,024" in the side panel of
 * that node (targets are `node:<name>` or `dataset:<name>`) for the current run.
 */
export const VIZ_ANNOTATION_TOPIC = 'sluice:viz:annotation';

/** What a plugin posts on {@link VIZ_ANNOTATION_TOPIC}. */
export interface VizAnnotation {
  readonly target: string;
  readonly label: string;
  readonly text: string;
}

/** Options of {@link vizPlugin}. */
export interface VizPluginOptions {
  /** The longest a run waits at its end for its last events to reach the page. Default 1,000 ms. */
  readonly flushMs?: number | undefined;
}

/**
 * Reports every run of the project to an open `sluice viz`, which shows node status live. With
 * no server open (no `.sluice/viz/server.json`, or its process gone) it does nothing beyond one
 * file read per run. A `process: 'main'` plugin: on the parallel and distributed runners it sees
 * the workers' node events relayed, so the page shows every runner the same way. Error messages
 * are reduced to their first line and redacted by the catalog's redactor before they leave.
 */
export function vizPlugin(options: VizPluginOptions = {}): SluicePlugin & { readonly name: string } {
  const flushMs = options.flushMs ?? 1_000;
  let reporter: VizReporter | undefined;
  let runId: string | undefined;
  let startedAt = 0;
  const report = (id: string): VizReporter | undefined => (id === runId ? reporter : undefined);

  return definePlugin({
    name: VIZ_PLUGIN_NAME as string,
    process: 'main',
    beforePipelineRun({ runParams, pipeline }) {
      const address = readServerAddress(runParams.projectPath);
      runId = runParams.runId;
      startedAt = performance.now();
      reporter = address === undefined ? undefined : new VizReporter(address);
      reporter?.push({
        type: 'runStarted',
        runId: runParams.runId,
        pipelineName: runParams.pipelineName,
        runner: runParams.runner,
        nodes: pipeline.nodes.map((node) => node.name),
        startedAt: new Date().toISOString(),
      });
    },
    onNodeStart({ node, runId: id }) {
      report(id)?.push({ type: 'nodeStarted', runId: id, node: node.name });
    },
    onNodeRetry({ error, node, catalog, attempt, runId: id }) {
      report(id)?.push({
        type: 'nodeRetried',
        runId: id,
        node: node.name,
        attempt,
        message: firstLine(catalog.redactor.redact(error.message)),
      });
    },
    onNodeEnd({ node, catalog, runId: id, error, attempts, durationMs }) {
      report(id)?.push({
        type: 'nodeEnded',
        runId: id,
        node: node.name,
        status: error === undefined ? 'done' : 'failed',
        durationMs,
        attempts,
        message:
          error === undefined
            ? undefined
            : firstLine(catalog.redactor.redact(`${error.name}: ${error.message}`)),
      });
    },
    onNodeSkipped({ node, runId: id, reason }) {
      report(id)?.push({ type: 'nodeSkipped', runId: id, node: node.name, reason });
    },
    onRunMessage({ topic, message }) {
      if (topic !== VIZ_ANNOTATION_TOPIC || runId === undefined || reporter === undefined) return;
      const { target, label, text } = (message ?? {}) as Partial<VizAnnotation>;
      if (typeof target !== 'string' || typeof label !== 'string' || typeof text !== 'string') return;
      reporter.push({
        type: 'annotation',
        runId,
        target,
        label: label.slice(0, 200),
        text: text.slice(0, 2_000),
      });
    },
    async afterPipelineRun({ runParams, runResult }) {
      const sending = report(runParams.runId);
      if (sending === undefined) return;
      sending.push({
        type: 'runEnded',
        runId: runParams.runId,
        status: 'success',
        durationMs: runResult.durationMs,
        skipped: runResult.skippedNodes,
      });
      await sending.flush(flushMs);
    },
    async onPipelineError({ error, runParams, catalog }) {
      const sending = report(runParams.runId);
      if (sending === undefined) return;
      sending.push({
        type: 'runEnded',
        runId: runParams.runId,
        status: 'failed',
        durationMs: performance.now() - startedAt,
        skipped: [],
        message: firstLine(catalog.redactor.redact(error.message)),
      });
      await sending.flush(flushMs);
    },
  });
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}
