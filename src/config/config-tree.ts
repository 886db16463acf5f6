import type { ConfigLocation } from '../config-location.ts';
import { isPlainObject } from '../values.ts';

/**
 * Configuration values with the place each one was written. The loader merges, interpolates and
 * locates on this tree and turns it into plain data only at the end, so every value, however it
 * was merged, can still name its file and line.
 */
export type ConfigTree = ConfigMapNode | ConfigSeqNode | ConfigScalarNode;

export interface ConfigMapNode {
  kind: 'map';
  /** Where the mapping's value starts. */
  at: ConfigLocation;
  entries: Map<string, ConfigEntry>;
}

/** One key of a mapping: where the key is written, and its value. */
export interface ConfigEntry {
  keyAt: ConfigLocation;
  node: ConfigTree;
}

export interface ConfigSeqNode {
  kind: 'seq';
  at: ConfigLocation;
  items: ConfigTree[];
}

export interface ConfigScalarNode {
  kind: 'scalar';
  at: ConfigLocation;
  value: unknown;
}

/** How an environment's value combines with the base one: see {@link mergeTrees}. */
export type MergeStrategy = 'soft' | 'destructive';

export function emptyMap(at: ConfigLocation): ConfigMapNode {
  return { kind: 'map', at, entries: new Map() };
}

/** Plain data (from runtime parameters or an interpolation result) as a tree located at `at`. */
export function treeFromPlain(value: unknown, at: ConfigLocation): ConfigTree {
  if (Array.isArray(value)) return { kind: 'seq', at, items: value.map((item) => treeFromPlain(item, at)) };
  if (isPlainObject(value)) {
    const entries = new Map<string, ConfigEntry>();
    for (const [key, child] of Object.entries(value))
      entries.set(key, { keyAt: at, node: treeFromPlain(child, at) });
    return { kind: 'map', at, entries };
  }
  return { kind: 'scalar', at, value };
}

/** A bound on the values {@link treeToPlain} may build, and the error for going past it. */
export interface PlainValueLimit {
  values: number;
  /** The error to throw, given the place of the value being copied when the bound was reached. */
  exceeded: (at: ConfigLocation) => Error;
}

/**
 * The tree as plain data. Interpolation makes trees share nodes (`${a}` is the very node `a`), so
 * the plain copy can be far larger than the tree: `limit` bounds it.
 */
export function treeToPlain(tree: ConfigTree, limit?: PlainValueLimit): unknown {
  let left = limit?.values ?? Infinity;
  const convert = (node: ConfigTree): unknown => {
    if (--left < 0) throw limit!.exceeded(node.at);
    switch (node.kind) {
      case 'scalar':
        return node.value;
      case 'seq':
        return node.items.map(convert);
      case 'map': {
        const result: Record<string, unknown> = {};
        for (const [key, entry] of node.entries) result[key] = convert(entry.node);
        return result;
      }
    }
  };
  return convert(tree);
}

/** How many values (mappings, lists and scalars) the tree holds, counting a shared node once per use. */
export function countValues(tree: ConfigTree): number {
  if (tree.kind === 'scalar') return 1;
  let count = 1;
  if (tree.kind === 'seq') for (const item of tree.items) count += countValues(item);
  else for (const entry of tree.entries.values()) count += countValues(entry.node);
  return count;
}

/**
 * Merges `override` onto `base` without changing either.
 * - `soft`: mappings merge key by key, recursively; on any other clash (scalars, sequences, or a
 *   mapping against a non-mapping) the override wins whole. Sequences are replaced, not appended.
 * - `destructive`: the override replaces each top-level key whole (Kedro's default).
 * A merged key keeps the location of its first declaration; the values inside keep their own.
 */
export function mergeTrees(
  base: ConfigMapNode,
  override: ConfigMapNode,
  strategy: MergeStrategy,
): ConfigMapNode {
  const entries = new Map(base.entries);
  for (const [key, entry] of override.entries) {
    const existing = entries.get(key);
    if (strategy === 'soft' && existing?.node.kind === 'map' && entry.node.kind === 'map') {
      entries.set(key, { keyAt: existing.keyAt, node: mergeTrees(existing.node, entry.node, 'soft') });
    } else {
      entries.set(key, entry);
    }
  }
  return { kind: 'map', at: base.at, entries };
}

/**
 * `mergeTrees(…mergeTrees(mergeTrees(first, second, 'soft'), third, 'soft')…)` in one pass: each
 * mapping is copied once, not once per tree merged into it, so many files stay linear.
 */
export function mergeAllSoft(at: ConfigLocation, trees: readonly ConfigMapNode[]): ConfigMapNode {
  const entries = new Map<string, ConfigEntry>();
  // Keys whose value is a mapping in several trees, in merge order: merged once, at the end.
  const mappings = new Map<string, ConfigMapNode[]>();
  for (const tree of trees) {
    for (const [key, entry] of tree.entries) {
      const existing = entries.get(key);
      if (existing?.node.kind === 'map' && entry.node.kind === 'map') {
        const group = mappings.get(key);
        if (group === undefined) mappings.set(key, [existing.node, entry.node]);
        else group.push(entry.node);
      } else {
        entries.set(key, entry);
        mappings.delete(key);
      }
    }
  }
  for (const [key, group] of mappings) {
    const first = entries.get(key)!;
    entries.set(key, { keyAt: first.keyAt, node: mergeAllSoft(first.node.at, group) });
  }
  return { kind: 'map', at, entries };
}

/** The deepest node along `path` and the location naming it: a key's own line where there is one. */
export function locatePath(
  tree: ConfigTree,
  path: readonly string[],
): { node: ConfigTree; location: ConfigLocation; complete: boolean } {
  let node = tree;
  let location = tree.at;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (next === undefined) return { node, location, complete: false };
    node = next.node;
    location = next.location;
  }
  return { node, location, complete: true };
}

function childOf(
  node: ConfigTree,
  segment: string,
): { node: ConfigTree; location: ConfigLocation } | undefined {
  if (node.kind === 'map') {
    const entry = node.entries.get(segment);
    return entry === undefined ? undefined : { node: entry.node, location: entry.keyAt };
  }
  if (node.kind === 'seq' && /^\d+$/.test(segment)) {
    const item = node.items[Number(segment)];
    return item === undefined ? undefined : { node: item, location: item.at };
  }
  return undefined;
}

/** Every leaf's dotted path (mappings are descended, everything else is a leaf), for duplicate checks. */
export function leafPaths(
  tree: ConfigMapNode,
  prefix: readonly string[] = [],
  result: Array<{ path: string[]; at: ConfigLocation }> = [],
): Array<{ path: string[]; at: ConfigLocation }> {
  // One shared result array: spreading a child's leaves into the parent's copies them once per
  // level, and a spread of 100,000 leaves overflows the call stack.
  for (const [key, entry] of tree.entries) {
    const path = [...prefix, key];
    if (entry.node.kind === 'map') leafPaths(entry.node, path, result);
    else result.push({ path, at: entry.keyAt });
  }
  return result;
}
