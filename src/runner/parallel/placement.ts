import { isParameterName } from '../../io/catalog-parameters.ts';
import type { DataCatalog } from '../../io/catalog.ts';
import { MemoryDataset } from '../../io/datasets/memory.ts';
import type { Node } from '../../pipeline/node.ts';

/**
 * Memory inputs of at least this many elements (array items, table rows, typed-array KiB)
 * make a node run in the main thread: a worker would get them only through a structured clone
 * there and, for its outputs, back, which costs more than the node itself on I/O-heavy pipelines
 * (docs/benchmarks.md, "Realistic pipelines").
 */
export const LARGE_MEMORY_INPUT = 10_000;

/**
 * True when the node's memory inputs held in this process are large (`LARGE_MEMORY_INPUT`), so it
 * is cheaper to run it here than to copy them to a worker. Only memory datasets that hand over
 * their value without copying (`freeze`, `assign`) are looked at: reading a `deepcopy` one would
 * cost the copy this is meant to avoid.
 */
export function hasLargeMemoryInputs(node: Node, catalog: DataCatalog): boolean {
  let elements = 0;
  for (const name of node.inputs) {
    if (isParameterName(name) || !catalog.isEphemeral(name)) continue;
    const dataset = catalog.get(name);
    if (!(dataset instanceof MemoryDataset) || !dataset.exists()) continue;
    if (dataset.copyMode !== 'freeze' && dataset.copyMode !== 'assign') continue;
    elements += sizeOf(dataset.load());
    if (elements >= LARGE_MEMORY_INPUT) return true;
  }
  return false;
}

/** Elements in a value, one level into plain objects (a record of columns or of tables). */
export function sizeOf(value: unknown, depth = 0): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return value.length;
  // A typed array is copied as one block, far cheaper per byte than objects: one element per KiB.
  if (ArrayBuffer.isView(value)) return value.byteLength / 1024;
  if (value instanceof ArrayBuffer) return value.byteLength / 1024;
  const rows = (value as { numRows?: unknown }).numRows;
  if (typeof rows === 'number') return rows;
  if (depth > 0) return 0;
  let total = 0;
  for (const key in value) total += sizeOf((value as Record<string, unknown>)[key], depth + 1);
  return total;
}
