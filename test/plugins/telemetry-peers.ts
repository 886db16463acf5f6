/**
 * Real peers for the telemetry tests: an OTLP/HTTP receiver that decodes the JSON the exporter
 * sends into spans, and a UDP listener that collects StatsD lines. Each resolves waiters on what
 * arrives, so tests wait on the span or line itself.
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';

/** One span as the receiver decoded it. */
export interface ReceivedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, string | number | boolean>;
  readonly events: { name: string; attributes: Record<string, string | number | boolean> }[];
  readonly status: { code?: number; message?: string };
  readonly serviceName: string | undefined;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    out[key] =
      value.stringValue ??
      (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue ?? ''));
  }
  return out;
}

export interface OtlpReceiver {
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Resolves once a span satisfying `predicate` has arrived. */
  waitFor(predicate: (span: ReceivedSpan) => boolean): Promise<ReceivedSpan>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let waiters: { predicate: (span: ReceivedSpan) => boolean; resolve: (span: ReceivedSpan) => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url !== '/v1/traces' || !String(request.headers['content-type']).includes('json')) {
        response.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: {
          resource?: { attributes?: OtlpAttribute[] };
          scopeSpans: { spans: Record<string, unknown>[] }[];
        }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const serviceName = attributesOf(resourceSpans.resource?.attributes)['service.name'] as
          string | undefined;
        for (const scope of resourceSpans.scopeSpans) {
          for (const raw of scope.spans) {
            const span: ReceivedSpan = {
              name: raw.name as string,
              traceId: raw.traceId as string,
              spanId: raw.spanId as string,
              parentSpanId: (raw.parentSpanId as string | undefined) || undefined,
              attributes: attributesOf(raw.attributes as OtlpAttribute[]),
              events: ((raw.events as { name: string; attributes?: OtlpAttribute[] }[]) ?? []).map(
                (event) => ({
                  name: event.name,
                  attributes: attributesOf(event.attributes),
                }),
              ),
              status: (raw.status as ReceivedSpan['status']) ?? {},
              serviceName,
            };
            spans.push(span);
            waiters = waiters.filter((waiter) => !(waiter.predicate(span) && (waiter.resolve(span), true)));
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    waitFor(predicate) {
      const found = spans.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface StatsdListener {
  readonly port: number;
  readonly lines: string[];
  waitFor(predicate: (line: string) => boolean): Promise<string>;
  close(): Promise<void>;
}

export async function startStatsdListener(): Promise<StatsdListener> {
  const socket = createSocket('udp4');
  const lines: string[] = [];
  let waiters: { predicate: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  socket.on('message', (message) => {
    for (const line of message.toString('utf8').split('\n')) {
      if (line === '') continue;
      lines.push(line);
      waiters = waiters.filter((waiter) => !(waiter.predicate(line) && (waiter.resolve(line), true)));
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    lines,
    waitFor(predicate) {
      const found = lines.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** A port nothing listens on: bound, read, released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
