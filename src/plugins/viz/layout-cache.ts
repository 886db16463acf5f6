import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ElkThread } from './elk-thread.ts';
import type { VizGraph } from './graph.ts';
import type { Layout } from './layout.ts';
import { LAYOUT_VERSION, layoutView } from './layout.ts';
import type { ViewOptions } from './view.ts';
import { buildView, viewKey } from './view.ts';

/**
 * Layouts computed by the server with ELK (on a thread of its own), kept in memory and in `.sluice/viz/layouts/` under a
 * hash of the graph and the view: ELK takes seconds on a 1,000-node pipeline, so a page opened
 * again (or a server restarted on an unchanged project) gets its picture at once.
 */
export class LayoutCache {
  readonly #memory = new Map<string, Promise<Layout>>();
  readonly #graphHash: string;
  #elk: ElkThread | undefined;

  constructor(
    private readonly graph: VizGraph,
    private readonly folder: string | undefined,
  ) {
    this.#graphHash = createHash('sha256')
      .update(`layout ${LAYOUT_VERSION}\n`)
      .update(JSON.stringify(graph))
      .digest('hex');
  }

  layout(options: ViewOptions): Promise<Layout> {
    const key = viewKey(options);
    let pending = this.#memory.get(key);
    if (pending === undefined) {
      pending = this.#compute(options, key);
      this.#memory.set(key, pending);
      pending.catch(() => this.#memory.delete(key));
    }
    return pending;
  }

  /** Stops the layout thread. */
  async close(): Promise<void> {
    await this.#elk?.close();
  }

  async #compute(options: ViewOptions, key: string): Promise<Layout> {
    const file =
      this.folder === undefined
        ? undefined
        : join(
            this.folder,
            `${createHash('sha256').update(this.#graphHash).update(key).digest('hex').slice(0, 32)}.json`,
          );
    if (file !== undefined) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as Layout;
        if (stored.key === key) return stored;
      } catch {
        // Not cached yet, or unreadable: compute it.
      }
    }
    this.#elk ??= new ElkThread();
    const layout = await layoutView(buildView(this.graph, options), this.#elk);
    if (file !== undefined) {
      try {
        mkdirSync(this.folder!, { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(layout));
        renameSync(temporary, file);
      } catch {
        // A cache that can't be written only costs time next start.
      }
    }
    return layout;
  }
}

/** The options of the page's first view: the first pipeline, every node, nothing collapsed. */
export function defaultViewOptions(graph: VizGraph): ViewOptions {
  return { pipeline: graph.pipelines[0]?.name ?? '__default__', tags: [], collapsed: [] };
}

/** Parses a view key the page sent back (`viewKey` made it); undefined when malformed. */
export function parseViewKey(key: string): ViewOptions | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
  const [pipeline, tags, collapsed] = parsed as unknown[];
  const strings = (value: unknown): value is string[] =>
    Array.isArray(value) && value.length <= 10_000 && value.every((item) => typeof item === 'string');
  if (typeof pipeline !== 'string' || !strings(tags) || !strings(collapsed)) return undefined;
  return { pipeline, tags, collapsed };
}
