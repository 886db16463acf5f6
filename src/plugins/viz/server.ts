import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { VizServerError } from './errors.ts';
import type { VizEvent, VizGraph, VizRun, VizRunSummary } from './graph.ts';
import { defaultViewOptions, LayoutCache, parseViewKey } from './layout-cache.ts';
import { readPageAssets, renderPage } from './page-html.ts';
import type { RunHistory } from './run-history.ts';
import { applyEvent } from './run-state.ts';
import { newToken, removeServerAddress, TOKEN_HEADER, writeServerAddress } from './server-address.ts';

/** Options of {@link startVizServer}. */
export interface VizServerOptions {
  readonly projectPath: string;
  readonly graph: VizGraph;
  readonly history: RunHistory;
  /** Default `127.0.0.1`. Another address exposes the page (and the project's names) to the network. */
  readonly host?: string | undefined;
  /** Default 0: a free port. */
  readonly port?: number | undefined;
}

/** A running `sluice viz` server. */
export interface VizServer {
  readonly url: string;
  /** Resolves when the server has stopped. */
  close(): Promise<void>;
}

const EVENT_TYPES = new Set([
  'runStarted',
  'nodeStarted',
  'nodeRetried',
  'nodeEnded',
  'nodeSkipped',
  'runEnded',
  'annotation',
]);
const MAX_BODY_BYTES = 1 << 20;
const LIVE_RUNS_KEPT = 20;
const HEARTBEAT_MS = 15_000;

/**
 * Serves the pipeline page of one project: the page, read-only JSON endpoints, and a stream of
 * server-sent events. Runs of the project report to it (`POST /api/events` with the token from
 * `.sluice/viz/server.json`); nothing else changes anything, and no data values are served,
 * only names, settings (redacted) and statuses.
 */
export async function startVizServer(options: VizServerOptions): Promise<VizServer> {
  const { projectPath, graph, history } = options;
  const host = options.host ?? '127.0.0.1';
  const assets = readPageAssets({ withElk: false });
  const layouts = new LayoutCache(graph, join(projectPath, '.sluice', 'viz', 'layouts'));
  const token = newToken();
  const streams = new Set<ServerResponse>();
  const liveRuns = new Map<string, VizRun>();
  let latestLive: string | undefined;

  /** The run going on now, if any. */
  const liveRun = (): VizRun | null => {
    const run = latestLive === undefined ? undefined : liveRuns.get(latestLive);
    return run?.status === 'running' ? run : null;
  };
  /**
   * A run by id: the live state while it goes on; once it ended, the run store's record (which
   * adds what was recorded of each dataset) with the annotations seen live.
   */
  const runById = async (id: string): Promise<VizRun | undefined> => {
    const live = liveRuns.get(id);
    if (live?.status === 'running') return live;
    const stored = await history.get(id);
    if (stored === undefined) return live;
    return live?.annotations === undefined ? stored : { ...stored, annotations: live.annotations };
  };
  /** Runs newest first: those seen live (unless the store has them by now), then the store's. */
  const summaries = async (): Promise<VizRunSummary[]> => {
    const stored = await history.list();
    const recorded = new Set(stored.map((run) => run.runId));
    const live = [...liveRuns.values()]
      .reverse()
      .filter((run) => run.status === 'running' || !recorded.has(run.runId))
      .map(summarize);
    return [...live, ...stored.filter((run) => !live.some((seen) => seen.runId === run.runId))];
  };

  const receive = (event: VizEvent): void => {
    const before = event.type === 'runStarted' ? null : (liveRuns.get(event.runId) ?? null);
    const after = applyEvent(before, event);
    if (after === null || after === before) return;
    liveRuns.set(after.runId, after);
    if (event.type === 'runStarted') {
      latestLive = event.runId;
      while (liveRuns.size > LIVE_RUNS_KEPT) liveRuns.delete(liveRuns.keys().next().value!);
    }
    const frame = `event: viz\ndata: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };

  const routes = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    if (request.method === 'POST' && url.pathname === '/api/events') {
      if (request.headers[TOKEN_HEADER] !== token)
        return send(response, 403, { error: 'a wrong or missing token' });
      const body = await readBody(request);
      const events = JSON.parse(body) as unknown;
      if (!Array.isArray(events)) return send(response, 400, { error: 'expected an array of events' });
      for (const event of events) if (isVizEvent(event)) receive(event);
      response.writeHead(204).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, { error: 'read only' });
    if (url.pathname === '/') {
      const runs = await summaries();
      const run = liveRun() ?? (runs[0] === undefined ? null : ((await runById(runs[0].runId)) ?? null));
      const html = renderPage({ graph, runs, run, live: true, layout: null }, assets);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    if (url.pathname === '/api/graph') return send(response, 200, graph);
    if (url.pathname === '/api/layout') {
      const key = url.searchParams.get('view');
      const view = key === null ? defaultViewOptions(graph) : parseViewKey(key);
      if (view === undefined) return send(response, 400, { error: 'a malformed view' });
      return send(response, 200, await layouts.layout(view));
    }
    if (url.pathname === '/api/runs') return send(response, 200, await summaries());
    if (url.pathname.startsWith('/api/runs/')) {
      const id = decodeURIComponent(url.pathname.slice('/api/runs/'.length));
      const run = await runById(id);
      return run === undefined ? send(response, 404, { error: `no run ${id}` }) : send(response, 200, run);
    }
    if (url.pathname === '/api/stream') {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      response.write(`event: snapshot\ndata: ${JSON.stringify(liveRun())}\n\n`);
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    send(response, 404, { error: 'not found' });
  };

  // Imported here: the plugins' shared code loads on every run, which needs no HTTP server.
  const { createServer } = await import('node:http');
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://viz.invalid');
    if (!hostAllowed(request.headers.host, host))
      return send(response, 421, { error: 'unexpected Host header' });
    routes(request, response, url).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: (error as Error).message });
      else response.end();
    });
  });
  const heartbeat = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new VizServerError(`sluice viz cannot listen on ${host}:${options.port ?? 0}: ${error.message}`, {
          hint:
            error.code === 'EADDRINUSE'
              ? 'Choose another --port, or leave it out for a free one.'
              : 'Check --host and --port.',
        }),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  writeServerAddress(projectPath, { url, token, pid: process.pid });
  // The first view's layout starts now, on ELK's thread, so that it is likely ready (or cached
  // already) by the time someone opens the page; a failure shows when the page asks for it.
  layouts.layout(defaultViewOptions(graph)).catch(() => undefined);

  return {
    url,
    close: async () => {
      clearInterval(heartbeat);
      removeServerAddress(projectPath, token);
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await layouts.close();
      history.close();
    },
  };
}

function summarize(run: VizRun): VizRunSummary {
  return {
    runId: run.runId,
    pipelineName: run.pipelineName,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isVizEvent(value: unknown): value is VizEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { type, runId } = value as { type?: unknown; runId?: unknown };
  return typeof type === 'string' && EVENT_TYPES.has(type) && typeof runId === 'string';
}

/**
 * On a loopback address, only requests addressed to a loopback name: a web page elsewhere can't
 * read the project through DNS rebinding. On an address chosen with --host, any name.
 */
function hostAllowed(header: string | undefined, host: string): boolean {
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) return true;
  if (header === undefined) return false;
  const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]!;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(name);
}
