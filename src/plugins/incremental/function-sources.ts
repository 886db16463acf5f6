import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `functionFile` parks the function for the inspector to find, one at a time. */
const PROBE = Symbol.for('sluice.incremental.probe');

/** Relative module specifiers in static imports and re-exports (`from './x.ts'`, `import './y.js'`). */
const RELATIVE_IMPORT = /\b(?:from|import)\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * The code a node's function depends on, as one hash: the module file that defines the function
 * (found through this thread's own inspector, so a bundle chunk under the esbuild loader or the
 * source file under tsx) and every module it imports by a relative path, recursively. Packages
 * (bare specifiers) are not followed. Each tree is hashed once per process; functions defined
 * outside a file (`new Function`, the REPL) give undefined.
 */
export class FunctionSources {
  readonly #urls = new Map<string, string>();
  readonly #trees = new Map<string, Promise<string>>();
  #queue: Promise<unknown> = Promise.resolve();

  /** The hash of the modules behind `fn`, or undefined when its file can't be found. */
  async hash(fn: (...args: never[]) => unknown): Promise<string | undefined> {
    const file = await this.#serially(() => this.#fileOf(fn));
    if (file === undefined) return undefined;
    let tree = this.#trees.get(file);
    if (tree === undefined) this.#trees.set(file, (tree = treeHash(file)));
    return tree;
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #fileOf(fn: (...args: never[]) => unknown): Promise<string | undefined> {
    // Connected only for the lookup, so that nothing of it outlives the node's decision.
    const session = new Session();
    session.connect();
    session.on('Debugger.scriptParsed', ({ params }) => void this.#urls.set(params.scriptId, params.url));
    const global = globalThis as { [PROBE]?: unknown };
    global[PROBE] = fn;
    try {
      const { result } = await session.post('Runtime.evaluate', {
        expression: `globalThis[Symbol.for(${JSON.stringify(Symbol.keyFor(PROBE))})]`,
      });
      if (result.objectId === undefined) return undefined;
      const { internalProperties } = await session.post('Runtime.getProperties', {
        objectId: result.objectId,
        ownProperties: true,
      });
      await session.post('Runtime.releaseObject', { objectId: result.objectId });
      const location = internalProperties?.find((property) => property.name === '[[FunctionLocation]]')?.value
        ?.value as { scriptId?: string } | undefined;
      if (location?.scriptId === undefined) return undefined;
      if (!this.#urls.has(location.scriptId)) {
        // Enabling the debugger reports every script's URL; it stays off otherwise.
        await session.post('Debugger.enable');
        await session.post('Debugger.disable');
      }
      const url = this.#urls.get(location.scriptId);
      return url?.startsWith('file:') ? fileURLToPath(url) : undefined;
    } finally {
      delete global[PROBE];
      session.disconnect();
    }
  }
}

/** The module a specifier names: as written, or a TypeScript source behind a `.js` name, or with an extension added. */
async function readFirst(path: string): Promise<string | undefined> {
  const candidates = [
    path,
    path.replace(/\.([mc]?)js$/, '.$1ts'),
    `${path}.ts`,
    `${path}.js`,
    `${path}/index.ts`,
  ];
  for (const candidate of candidates) {
    try {
      return await readFile(candidate, 'utf8');
    } catch {
      // the next candidate
    }
  }
  return undefined;
}

async function treeHash(root: string): Promise<string> {
  const seen = new Set<string>();
  const pending = [root];
  const contents: string[] = [];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFirst(file);
    if (text === undefined) continue;
    contents.push(createHash('sha256').update(text).digest('hex'));
    for (const match of text.matchAll(RELATIVE_IMPORT)) pending.push(resolve(dirname(file), match[1]!));
  }
  return createHash('sha256').update(contents.sort().join('\n')).digest('hex');
}
