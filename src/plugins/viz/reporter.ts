import type { VizEvent } from './graph.ts';
import type { ServerAddress } from './server-address.ts';
import { TOKEN_HEADER } from './server-address.ts';

/**
 * Long on purpose: the server may be busy for seconds laying out a large pipeline for a page, and
 * a report waits in the background (the run never does, except for the bounded flush at its end).
 */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Sends a run's events to an open `sluice viz`, in the background: one request at a time, each
 * carrying every event queued meanwhile, so a burst of node events costs a few requests. The
 * first failure (server closed, hung or refusing) turns it off for the rest of the run: reporting
 * never fails a run and never makes it wait, except for a bounded flush at its end.
 */
export class VizReporter {
  readonly #queue: VizEvent[] = [];
  #sending: Promise<void> | undefined;
  #off = false;

  constructor(private readonly address: ServerAddress) {}

  get off(): boolean {
    return this.#off;
  }

  push(event: VizEvent): void {
    if (this.#off) return;
    this.#queue.push(event);
    this.#sending ??= this.#drain();
  }

  /** Waits for queued events to leave, at most `maxMs`. */
  async flush(maxMs: number): Promise<void> {
    const sending = this.#sending;
    if (sending === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sending, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    clearTimeout(timer);
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#off) {
      const batch = this.#queue.splice(0);
      if (!(await this.#post(JSON.stringify(batch)))) this.#off = true;
    }
    this.#queue.length = 0;
    this.#sending = undefined;
  }

  async #post(body: string): Promise<boolean> {
    // Loaded at the first report: most runs have no `sluice viz` open, and start faster without it.
    const { request } = await import('node:http');
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL('api/events', this.address.url);
      } catch {
        return resolve(false);
      }
      const outgoing = request(target, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          [TOKEN_HEADER]: this.address.token,
        },
        timeout: REQUEST_TIMEOUT_MS,
      });
      outgoing.on('response', (response) => {
        response.resume();
        resolve(response.statusCode === 204);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
      outgoing.on('error', () => resolve(false));
      outgoing.end(body);
    });
  }
}
