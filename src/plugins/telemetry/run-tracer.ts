import type { Context, Span, SpanContext, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanStatusCode, defaultTextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RelayedSpan } from './span-relay.ts';
import { adoptSpan, relaySpan } from './span-relay.ts';

const SCOPE = { name: 'sluice', version: undefined, schemaUrl: undefined };

/** Where finished spans go: exported from the main process, posted to it from any other. */
export interface SpanRoute {
  /** The main process: spans go to the exporter. */
  readonly exporter: SpanExporter | undefined;
  /** Other processes: each finished span is posted to the main process. */
  readonly post: (span: RelayedSpan) => void;
  /** The longest the end of a run waits for its last spans to be exported. */
  readonly flushTimeoutMs: number;
}

/**
 * The spans of one run in one process: the run span (main process only), a span per node, and a
 * span per dataset load and save, children of their node's span. Exported through a batch
 * processor, so a node never waits for the collector.
 */
export class RunTracer {
  readonly #tracer: Tracer;
  readonly #provider: BasicTracerProvider;
  readonly #route: SpanRoute;
  readonly #resource: Resource;
  readonly #batch: BatchSpanProcessor | undefined;
  #run: Span | undefined;
  #runContext: Context = ROOT_CONTEXT;
  readonly #nodes = new Map<string, Span>();
  /** Open dataset spans by `node\0operation\0dataset`. */
  readonly #datasets = new Map<string, Span>();

  constructor(route: SpanRoute, serviceName: string) {
    this.#route = route;
    this.#resource = resourceFromAttributes({ 'service.name': serviceName });
    this.#batch =
      route.exporter === undefined
        ? undefined
        : new BatchSpanProcessor(route.exporter, {
            maxQueueSize: 65_536,
            maxExportBatchSize: 1024,
            scheduledDelayMillis: 1000,
            exportTimeoutMillis: route.flushTimeoutMs,
          });
    const processor: SpanProcessor = {
      onStart: () => {},
      onEnd: (span) => (this.#run !== undefined ? this.#batch?.onEnd(span) : route.post(relaySpan(span))),
      forceFlush: () => this.#batch?.forceFlush() ?? Promise.resolve(),
      shutdown: () => this.#batch?.shutdown() ?? Promise.resolve(),
    };
    this.#provider = new BasicTracerProvider({ resource: this.#resource, spanProcessors: [processor] });
    this.#tracer = this.#provider.getTracer('sluice');
  }

  /** Main process: the run span, a child of `TRACEPARENT` when the environment sets one. */
  startRun(attributes: Record<string, string>, traceparent: string | undefined): void {
    const parent =
      traceparent === undefined
        ? ROOT_CONTEXT
        : new W3CTraceContextPropagator().extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
    this.#run = this.#tracer.startSpan(`run ${attributes['sluice.pipeline']}`, { attributes }, parent);
    this.#runContext = trace.setSpan(ROOT_CONTEXT, this.#run);
  }

  /** The run span's context; undefined outside the main process. */
  get runSpanContext(): SpanContext | undefined {
    return this.#run?.spanContext();
  }

  /**
   * Ends the run span and waits, at most `flushTimeoutMs`, for every span to be exported. Resolves
   * to false when the export did not finish in time (the spans still queued are dropped).
   */
  async endRun(
    status: 'success' | 'failure',
    error: Error | undefined,
    redact: (text: string) => string,
  ): Promise<boolean> {
    const run = this.#run;
    if (run === undefined) return true;
    for (const span of this.#nodes.values()) span.end();
    this.#nodes.clear();
    run.setAttribute('sluice.run.status', status);
    if (error !== undefined) run.setStatus({ code: SpanStatusCode.ERROR, message: redact(error.message) });
    run.end();
    const finished = await withTimeout(this.#provider.forceFlush(), this.#route.flushTimeoutMs);
    void this.#provider.shutdown().catch(() => {});
    return finished;
  }

  /** A worker's span, posted to the main process: exported as part of the run's trace. */
  adopt(relayed: RelayedSpan): void {
    const run = this.#run?.spanContext();
    if (run === undefined || this.#batch === undefined) return;
    this.#batch.onEnd(adoptSpan(relayed, run, this.#resource, SCOPE) as ReadableSpan);
  }

  startNode(nodeName: string, attributes: Record<string, string | number>): void {
    this.#nodes.set(nodeName, this.#tracer.startSpan(`node ${nodeName}`, { attributes }, this.#runContext));
  }

  retry(nodeName: string, attempt: number, error: Error, redact: (text: string) => string): void {
    this.#nodes.get(nodeName)?.addEvent('retry', {
      'sluice.node.attempt': attempt,
      'exception.type': error.name,
      'exception.message': redact(error.message),
    });
  }

  endNode(
    nodeName: string,
    outcome: { attempts: number; error: Error | undefined; skipped?: string },
    redact: (text: string) => string,
  ): void {
    const span = this.#nodes.get(nodeName);
    if (span === undefined) return;
    this.#nodes.delete(nodeName);
    for (const [key, open] of this.#datasets) {
      if (!key.startsWith(`${nodeName}\0`)) continue;
      open.setStatus({ code: SpanStatusCode.ERROR });
      open.end();
      this.#datasets.delete(key);
    }
    span.setAttribute('sluice.node.attempts', outcome.attempts);
    if (outcome.skipped !== undefined) span.setAttribute('sluice.node.skipped', outcome.skipped);
    const error = outcome.error;
    if (error !== undefined) {
      const message = redact(error.message);
      span.addEvent('exception', { 'exception.type': error.name, 'exception.message': message });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    }
    span.end();
  }

  startDataset(nodeName: string, operation: 'load' | 'save', datasetName: string, type: string): void {
    const parent = this.#nodes.get(nodeName);
    const context = parent === undefined ? this.#runContext : trace.setSpan(ROOT_CONTEXT, parent);
    const attributes = {
      'sluice.node': nodeName,
      'sluice.dataset': datasetName,
      'sluice.dataset.type': type,
    };
    this.#datasets.set(
      `${nodeName}\0${operation}\0${datasetName}`,
      this.#tracer.startSpan(`${operation} ${datasetName}`, { attributes }, context),
    );
  }

  endDataset(
    nodeName: string,
    operation: 'load' | 'save',
    datasetName: string,
    rows: number | undefined,
  ): void {
    const key = `${nodeName}\0${operation}\0${datasetName}`;
    const span = this.#datasets.get(key);
    if (span === undefined) return;
    this.#datasets.delete(key);
    if (rows !== undefined) span.setAttribute('sluice.dataset.rows', rows);
    span.end();
  }
}

/** True when `work` settled within `timeoutMs`. */
function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  return Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    timeout,
  ]).finally(() => clearTimeout(timer));
}
