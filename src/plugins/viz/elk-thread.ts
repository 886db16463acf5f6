import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { ElkEngine } from './layout.ts';

/**
 * ELK on a worker thread: a large pipeline takes ELK seconds, and on the server's own thread that
 * would hold up the runs' reports and every page. The thread runs ELK alone (the graph goes in as
 * ELK's JSON and the positions come back), so it needs no TypeScript loader; it is started on
 * first use and does not keep the process alive.
 */
export class ElkThread implements ElkEngine {
  #worker: Worker | undefined;
  #next = 0;
  readonly #pending = new Map<
    number,
    { resolve: (graph: ElkNode) => void; reject: (error: Error) => void }
  >();

  layout(graph: ElkNode): Promise<ElkNode> {
    const worker = (this.#worker ??= this.#start());
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, graph });
    });
  }

  /** Stops the thread; layouts still pending fail. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  #start(): Worker {
    const elkPath = createRequire(import.meta.url).resolve('elkjs/lib/elk.bundled.js');
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const ELK = require(workerData.elkPath);
       const elk = new ELK();
       parentPort.on('message', ({ id, graph }) => {
         elk.layout(graph).then(
           (result) => parentPort.postMessage({ id, result }),
           (error) => parentPort.postMessage({ id, error: String(error && error.message || error) }),
         );
       });`,
      { eval: true, workerData: { elkPath } },
    );
    worker.unref();
    worker.on('message', ({ id, result, error }: { id: number; result?: ElkNode; error?: string }) => {
      const pending = this.#pending.get(id);
      if (pending === undefined) return;
      this.#pending.delete(id);
      if (this.#pending.size === 0) worker.unref();
      if (error !== undefined) pending.reject(new Error(`ELK could not lay out the pipeline: ${error}`));
      else pending.resolve(result!);
    });
    worker.on('error', (error) => this.#failAll(error));
    worker.on('exit', () => this.#failAll(new Error('the layout thread stopped')));
    return worker;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.#worker = undefined;
  }
}
