import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** `/metrics` for Prometheus to scrape while a run lasts. */
export class MetricsEndpoint {
  readonly #server: Server;
  #url: string | undefined;

  constructor(registry: Registry) {
    this.#server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Sluice serves /metrics only.\n');
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  }

  /** Starts listening; rejects when the port is taken. */
  listen(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        const address = this.#server.address();
        const actual = typeof address === 'object' && address !== null ? address.port : port;
        this.#url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}/metrics`;
        resolve(this.#url);
      });
    });
  }

  /** Where it listens; undefined before `listen` resolved. */
  get url(): string | undefined {
    return this.#url;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}

/** Pushes the registry's metrics to a Pushgateway (`PUT /metrics/job/<job>/pipeline/<pipeline>`). */
export async function pushMetrics(
  registry: Registry,
  gateway: string,
  job: string,
  pipeline: string,
  timeoutMs: number,
): Promise<void> {
  const url = `${gateway}/metrics/job/${encodeURIComponent(job)}/pipeline/${encodeURIComponent(pipeline)}`;
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': registry.contentType },
    body: await registry.metrics(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`the Pushgateway answered ${response.status} ${response.statusText}`);
}
