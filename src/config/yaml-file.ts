import { readFileSync } from 'node:fs';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { ConfigLocation } from '../io/dataset.ts';
import type { ConfigEntry, ConfigMapNode, ConfigTree } from './config-tree.ts';
import { emptyMap } from './config-tree.ts';
import { ConfigShapeError, ConfigSyntaxError } from './errors.ts';

/** How to read one configuration file. */
export interface ReadConfigFileOptions {
  /** The path shown in messages and locations, relative to the project (`conf/base/catalog.yml`). */
  displayPath: string;
  /**
   * Show the offending source line in syntax errors. Off for credentials files, whose lines hold
   * secrets that must not reach a terminal or a log.
   */
  showSource: boolean;
}

/**
 * Reads a YAML (or JSON, which is YAML) file whose top level must be a mapping, keeping each
 * key's and value's line and column. Anchors, aliases and `<<` merge keys work as in Kedro's
 * YAML; an empty file is an empty mapping.
 */
export function readConfigFile(absolutePath: string, options: ReadConfigFileOptions): ConfigMapNode {
  return parseConfigText(readFileSync(absolutePath, 'utf8'), options);
}

export function parseConfigText(text: string, options: ReadConfigFileOptions): ConfigMapNode {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const locationOf = (offset: number): ConfigLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.displayPath, line, column: col };
  };

  const firstError = document.errors[0];
  if (firstError !== undefined) {
    const start = lineCounter.linePos(firstError.pos[0]);
    const location: ConfigLocation = { file: options.displayPath, line: start.line, column: start.col };
    const source = options.showSource ? `\n${sourceExcerpt(text, start.line, start.col)}` : '';
    throw new ConfigSyntaxError(`invalid YAML: ${stripPosition(firstError.message)}.${source}`, {
      location,
      hint: 'Fix the YAML at that line (indentation, quotes and brackets are the usual suspects) and run again.',
    });
  }

  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null))
    return emptyMap({ file: options.displayPath, line: 1, column: 1 });
  const reader = new TreeReader(document, locationOf);
  const tree = reader.read(contents);
  if (tree.kind !== 'map') {
    throw new ConfigShapeError(
      `the top level of this file is ${tree.kind === 'seq' ? 'a list' : 'a single value'}, but a configuration file must be a mapping of names to settings.`,
      {
        location: tree.at,
        hint: 'Write "name: value" lines at the top level, for example "companies:\\n  type: csv".',
      },
    );
  }
  return tree;
}

class TreeReader {
  readonly #document: Document;
  readonly #locationOf: (offset: number) => ConfigLocation;
  // Aliases may point at an ancestor; following one would never end.
  readonly #reading = new Set<YamlNode>();

  constructor(document: Document, locationOf: (offset: number) => ConfigLocation) {
    this.#document = document;
    this.#locationOf = locationOf;
  }

  read(node: unknown): ConfigTree {
    const resolved = this.#resolveAlias(node);
    const at = this.#at(resolved);
    if (this.#reading.has(resolved)) {
      throw new ConfigShapeError('this alias refers to a mapping that contains it, which would never end.', {
        location: at,
      });
    }
    this.#reading.add(resolved);
    try {
      if (isMap(resolved)) return this.#readMap(resolved, at);
      if (isSeq(resolved)) return { kind: 'seq', at, items: resolved.items.map((item) => this.read(item)) };
      if (isScalar(resolved)) return { kind: 'scalar', at, value: resolved.toJS(this.#document) };
      return { kind: 'scalar', at, value: null };
    } finally {
      this.#reading.delete(resolved);
    }
  }

  #readMap(map: YAMLMap, at: ConfigLocation): ConfigMapNode {
    const entries = new Map<string, ConfigEntry>();
    const explicitKeys = new Set(
      map.items.filter((pair) => !isMergeKey(pair.key)).map((pair) => keyText(pair.key)),
    );
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        // YAML merge keys: explicit keys win over merged ones, and earlier sources win over later.
        const sourceNode = this.#resolveAlias(pair.value);
        const sources = isSeq(sourceNode) ? sourceNode.items : [sourceNode];
        for (const source of sources) {
          const merged = this.read(source);
          if (merged.kind !== 'map') {
            throw new ConfigShapeError(
              'a "<<" merge key needs a mapping (an alias such as *defaults) to merge.',
              { location: merged.at },
            );
          }
          for (const [key, entry] of merged.entries) {
            if (!explicitKeys.has(key) && !entries.has(key)) entries.set(key, entry);
          }
        }
        continue;
      }
      const keyAt = this.#at(pair.key);
      if (pair.key !== null && !isScalar(pair.key)) {
        throw new ConfigShapeError('mapping keys must be plain names, not lists or mappings.', {
          location: keyAt,
        });
      }
      const valueNode = pair.value ?? null;
      entries.set(keyText(pair.key), {
        keyAt,
        node: valueNode === null ? { kind: 'scalar', at: keyAt, value: null } : this.read(valueNode),
      });
    }
    return { kind: 'map', at, entries };
  }

  #resolveAlias(node: unknown): YamlNode {
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops > 100) throw new ConfigShapeError('alias chain too long.', { location: this.#at(current) });
      current = current.resolve(this.#document);
    }
    return current as YamlNode;
  }

  #at(node: unknown): ConfigLocation {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return this.#locationOf(range?.[0] ?? 0);
  }
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const value = key.value;
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

function keyText(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  return isScalar(key) ? String(key.value) : String(key);
}

function stripPosition(message: string): string {
  return message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').replace(/\.$/, '');
}

function sourceExcerpt(text: string, line: number, column: number): string {
  // The parser often notices a mistake one line late (an unclosed bracket), so show the line before too.
  const lines = text.split(/\r?\n/);
  const shown = [lines[line - 2], lines[line - 1] ?? ''].filter(
    (sourceLine): sourceLine is string => sourceLine !== undefined,
  );
  return `${shown.map((sourceLine) => `  ${sourceLine}`).join('\n')}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}
