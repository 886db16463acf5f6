import { Session } from 'node:inspector';
import { findSourceMap } from 'node:module';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from './graph.ts';

/**
 * Finds where functions are defined, through V8's inspector (`[[FunctionLocation]]`) and the
 * source map of the bundle the project was loaded from, so the page can say `src/nodes.ts:12`.
 * Only `sluice viz` uses it, once per node, then closes it: the inspector is never on during runs.
 */
export class FunctionLocator {
  readonly #session = new Session();
  readonly #scripts = new Map<string, string>();
  readonly #projectPath: string;

  constructor(projectPath: string) {
    this.#projectPath = projectPath;
    this.#session.connect();
    this.#session.on('Debugger.scriptParsed', (message) => {
      this.#scripts.set(message.params.scriptId, message.params.url);
    });
    this.#session.post('Debugger.enable');
  }

  locate(fn: (...args: never[]) => unknown): SourceLocation | null {
    const holder = globalThis as { __sluiceVizFunction?: unknown };
    holder.__sluiceVizFunction = fn;
    let location: { scriptId: string; lineNumber: number; columnNumber: number } | undefined;
    try {
      this.#session.post(
        'Runtime.evaluate',
        { expression: 'globalThis.__sluiceVizFunction' },
        (error, evaluated) => {
          const objectId = evaluated?.result.objectId;
          if (error !== null || objectId === undefined) return;
          this.#session.post(
            'Runtime.getProperties',
            { objectId, ownProperties: true },
            (failure, properties) => {
              if (failure !== null) return;
              const found = properties.internalProperties?.find(
                (property) => property.name === '[[FunctionLocation]]',
              );
              location = found?.value?.value as typeof location;
            },
          );
          this.#session.post('Runtime.releaseObject', { objectId });
        },
      );
    } finally {
      delete holder.__sluiceVizFunction;
    }
    if (location === undefined) return null;
    const url = this.#scripts.get(location.scriptId);
    if (url === undefined || url === '') return null;
    let file = url;
    let line = location.lineNumber + 1;
    let column = location.columnNumber + 1;
    const map = findSourceMap(url.startsWith('file:') ? fileURLToPath(url) : url) ?? findSourceMap(url);
    if (map !== undefined) {
      const entry = map.findEntry(location.lineNumber, location.columnNumber) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (entry.originalSource !== undefined) {
        file = entry.originalSource;
        line = (entry.originalLine ?? 0) + 1;
        column = (entry.originalColumn ?? 0) + 1;
      }
    }
    if (file.startsWith('file:')) file = fileURLToPath(file);
    if (isAbsolute(file)) file = relative(this.#projectPath, file) || file;
    return { file: file.split('\\').join('/'), line, column };
  }

  close(): void {
    try {
      this.#session.post('Debugger.disable');
    } finally {
      this.#session.disconnect();
    }
  }
}
