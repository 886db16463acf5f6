import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** The topic worker processes post their finished spans under (`context.post`). */
export const SPANS_TOPIC = 'sluice:telemetry/spans';

/**
 * A finished span as it crosses from a worker to the main process: plain, structured-clone-safe
 * data. Attributes hold names, counts and types only, never data values.
 */
export interface RelayedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: ReadableSpan['status'];
  readonly attributes: ReadableSpan['attributes'];
  readonly events: readonly { name: string; time: HrTime; attributes?: ReadableSpan['attributes'] }[];
}

export function relaySpan(span: ReadableSpan): RelayedSpan {
  const { traceId, spanId } = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map(({ name, time, attributes }) => ({
      name,
      time,
      ...(attributes === undefined ? {} : { attributes }),
    })),
  };
}

/**
 * A worker's span, adopted into the run's trace: same span id, the run's trace id, and the run
 * span as parent of the worker's top span (its node span). The worker's ids are random, so its
 * spans join the run here, where the run span lives.
 */
export function adoptSpan(
  relayed: RelayedSpan,
  run: SpanContext,
  resource: Resource,
  scope: ReadableSpan['instrumentationScope'],
): ReadableSpan {
  const own: SpanContext = { traceId: run.traceId, spanId: relayed.spanId, traceFlags: run.traceFlags };
  const parent: SpanContext = {
    traceId: run.traceId,
    spanId: relayed.parentSpanId ?? run.spanId,
    traceFlags: run.traceFlags,
  };
  return {
    name: relayed.name,
    kind: relayed.kind,
    spanContext: () => own,
    parentSpanContext: parent,
    startTime: relayed.startTime,
    endTime: relayed.endTime,
    duration: relayed.duration,
    status: relayed.status,
    attributes: relayed.attributes,
    links: [],
    events: relayed.events.map((event) => ({ ...event })),
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
