import { readFileSync } from 'node:fs';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { ConfigLocation } from '../config-location.ts';
import type { ConfigEntry, ConfigMapNode, ConfigTree } from './config-tree.ts';
import { emptyMap } from './config-tree.ts';
import { ConfigShapeError, ConfigSyntaxError } from './errors.ts';
import { CONFIG_LIMITS } from './limits.ts';

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
  // The library's duplicate-key check compares each key with every earlier one of its mapping, which
  // takes minutes on a mapping of 50,000 keys; TreeReader checks duplicates itself, in one pass.
  const document = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: false });
  const locationOf = (offset: number): ConfigLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: options.displayPath, line, column: col };
  };
  const syntaxError = (message: string, offset: number): ConfigSyntaxError => {
    const start = lineCounter.linePos(offset);
    const location: ConfigLocation = { file: options.displayPath, line: start.line, column: start.col };
    const source = options.showSource ? `\n${sourceExcerpt(text, start.line, start.col)}` : '';
    return new ConfigSyntaxError(`invalid YAML: ${message}.${source}`, {
      location,
      hint: 'Fix the YAML at that line (indentation, quotes and brackets are the usual suspects) and run again.',
    });
  };

  const firstError = document.errors[0];
  if (firstError !== undefined) throw syntaxError(stripPosition(firstError.message), firstError.pos[0]);

  const contents = document.contents;
  if (contents === null || (isScalar(contents) && contents.value === null))
    return emptyMap({ file: options.displayPath, line: 1, column: 1 });
  const reader = new TreeReader(document, locationOf, syntaxError);
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

/**
 * Turns the YAML document into a located tree, expanding aliases. Everything here is one pass over
 * the document plus the values aliases add, and those are bounded by `CONFIG_LIMITS`.
 */
class TreeReader {
  readonly #document: Document;
  readonly #locationOf: (offset: number) => ConfigLocation;
  readonly #syntaxError: (message: string, offset: number) => ConfigSyntaxError;
  // Aliases may point at an ancestor; following one would never end.
  readonly #reading = new Set<YamlNode>();
  // Each alias's anchored node, found in one walk: the library's Alias.resolve walks the whole
  // document on every call, which makes many aliases quadratic.
  readonly #aliasTargets = new Map<YamlNode, YamlNode | undefined>();
  // The outermost alias being expanded, and how many values aliases have added so far.
  #expandingAlias: YamlNode | undefined;
  #aliasValues = 0;
  #depth = 0;

  constructor(
    document: Document,
    locationOf: (offset: number) => ConfigLocation,
    syntaxError: (message: string, offset: number) => ConfigSyntaxError,
  ) {
    this.#document = document;
    this.#locationOf = locationOf;
    this.#syntaxError = syntaxError;
    // An alias refers to the last node with its anchor before it, in document order.
    const anchored = new Map<string, YamlNode>();
    visit(document, {
      Node: (_key, node) => {
        if (isAlias(node)) this.#aliasTargets.set(node, anchored.get(node.source));
        else if (node.anchor !== undefined) anchored.set(node.anchor, node);
      },
    });
  }

  read(node: unknown): ConfigTree {
    if (isAlias(node) && this.#expandingAlias === undefined) {
      this.#expandingAlias = node;
      try {
        return this.read(this.#resolveAlias(node));
      } finally {
        this.#expandingAlias = undefined;
      }
    }
    const resolved = this.#resolveAlias(node);
    const at = this.#at(resolved);
    if (this.#reading.has(resolved)) {
      throw new ConfigShapeError('this alias refers to a mapping that contains it, which would never end.', {
        location: at,
      });
    }
    this.#count(at);
    this.#reading.add(resolved);
    this.#depth++;
    try {
      if (isMap(resolved)) return this.#readMap(resolved, at);
      if (isSeq(resolved)) return { kind: 'seq', at, items: resolved.items.map((item) => this.read(item)) };
      if (isScalar(resolved)) return { kind: 'scalar', at, value: resolved.toJS(this.#document) };
      return { kind: 'scalar', at, value: null };
    } finally {
      this.#depth--;
      this.#reading.delete(resolved);
    }
  }

  /** Enforces the nesting and alias-expansion bounds for one more value read at `at`. */
  #count(at: ConfigLocation): void {
    if (this.#depth >= CONFIG_LIMITS.nestingDepth) {
      throw new ConfigShapeError(
        `mappings and lists are nested more than ${CONFIG_LIMITS.nestingDepth} levels deep here.`,
        {
          location: at,
          hint: 'Flatten the structure: configuration this deep is almost certainly generated by mistake.',
        },
      );
    }
    if (this.#expandingAlias === undefined) return;
    this.#aliasValues++;
    if (this.#aliasValues > CONFIG_LIMITS.aliasExpansion) {
      throw new ConfigShapeError(
        `the aliases in this file expand to more than ${CONFIG_LIMITS.aliasExpansion.toLocaleString('en-US')} values (this is the alias being expanded when the limit was reached). Aliases of aliases multiply: ten levels of ten make ten billion.`,
        {
          location: this.#at(this.#expandingAlias),
          hint: 'Write the repeated values out, or use fewer levels of anchors and aliases. A file that does this on purpose is an attack ("billion laughs").',
        },
      );
    }
  }

  #readMap(map: YAMLMap, at: ConfigLocation): ConfigMapNode {
    const entries = new Map<string, ConfigEntry>();
    // Duplicates are checked here, in one pass with a Map, rather than by the YAML library.
    const keyLines = new Map<string, number | undefined>();
    const explicitKeys = new Set<string>();
    for (const pair of map.items) {
      const merge = isMergeKey(pair.key);
      const name = merge ? '<<' : keyText(pair.key);
      if (keyLines.has(name)) {
        throw this.#syntaxError(
          `Map keys must be unique: "${name}" is already a key of this mapping, at line ${keyLines.get(name)}`,
          this.#offset(pair.key),
        );
      }
      keyLines.set(name, this.#at(pair.key).line);
      if (!merge) explicitKeys.add(name);
    }
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        // YAML merge keys: explicit keys win over merged ones, and earlier sources win over later.
        const sources = this.#mergeSources(pair.value);
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

  /** `<<: *a` merges one mapping, `<<: [*a, *b]` several; an alias to a list of mappings counts too. */
  #mergeSources(value: unknown): unknown[] {
    if (isAlias(value)) {
      const target = this.#resolveAlias(value);
      return isSeq(target) ? target.items : [value];
    }
    return isSeq(value) ? value.items : [value];
  }

  #resolveAlias(node: unknown): YamlNode {
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops > 100) throw new ConfigShapeError('alias chain too long.', { location: this.#at(current) });
      const target = this.#aliasTargets.get(current);
      if (target === undefined) {
        throw this.#syntaxError(
          `the alias *${current.source} has no anchor &${current.source} before it`,
          this.#offset(current),
        );
      }
      current = target;
    }
    return current as YamlNode;
  }

  #offset(node: unknown): number {
    return (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  }

  #at(node: unknown): ConfigLocation {
    return this.#locationOf(this.#offset(node));
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
  const lines = lineSlices(text, line);
  const width = CONFIG_LIMITS.excerptWidth;
  // A line of 200,000 brackets would flood the terminal: show a window around the column.
  const start = Math.max(
    0,
    Math.min(column - 1 - Math.floor(width / 2), (lines.at(-1)?.length ?? 0) - width),
  );
  const cut = (sourceLine: string): string => {
    const shown = sourceLine.slice(start, start + width);
    return `${start > 0 ? '…' : ''}${shown}${start + width < sourceLine.length ? '…' : ''}`;
  };
  const caret = Math.max(0, column - 1 - start) + (start > 0 ? 1 : 0);
  return `${lines.map((sourceLine) => `  ${cut(sourceLine)}`).join('\n')}\n  ${' '.repeat(caret)}^`;
}

/** Line `line` (1-based) and the one before it, without splitting the whole text. */
function lineSlices(text: string, line: number): string[] {
  let offset = 0;
  const starts: number[] = [];
  for (let current = 1; current <= line && offset !== -1; current++) {
    if (current >= line - 1) starts.push(offset);
    const next = text.indexOf('\n', offset);
    offset = next === -1 ? -1 : next + 1;
  }
  return starts.map((lineStart) => {
    const end = text.indexOf('\n', lineStart);
    return text.slice(lineStart, end === -1 ? text.length : end).replace(/\r$/, '');
  });
}
