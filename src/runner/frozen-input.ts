import type { DataCatalog } from '../io/catalog.ts';
import { MemoryDataset } from '../io/datasets/memory.ts';
import type { Node } from '../pipeline/node.ts';
import { FrozenInputError } from './errors.ts';

/** V8's TypeErrors for a write to a frozen object or array (assign, add, delete, define, push, sort). */
const FROZEN_WRITE =
  /read[- ]only property|object is not extensible|Cannot delete property|Cannot redefine property|Cannot freeze|frozen/;

/**
 * When a node failed by writing to a frozen value, names the node and the datasets whose frozen
 * values it received (memory datasets, persisted ones whose load the run shared or whose saved
 * value it kept), and says how to opt into a copy (`FrozenInputError`). Any other error is returned
 * as it is. Runs only on a failure, never on the hot path.
 */
export function explainFrozenWrite(
  node: Node,
  inputs: Readonly<Record<string, unknown>>,
  error: Error,
  catalog: DataCatalog,
): Error {
  if (!(error instanceof TypeError) || !FROZEN_WRITE.test(error.message)) return error;
  const frozen = node.inputs.filter((name) => {
    const value = inputs[name];
    return (
      typeof value === 'object' &&
      value !== null &&
      Object.isFrozen(value) &&
      (handsOverFrozen(catalog, name) || sharesLoads(catalog, name))
    );
  });
  if (frozen.length === 0) return error;
  return new FrozenInputError(
    node.name,
    frozen,
    error,
    frozen.filter((name) => sharesLoads(catalog, name)),
    frozen.filter((name) => keepsSaved(catalog, name)),
  );
}

function keepsSaved(catalog: DataCatalog, name: string): boolean {
  try {
    return catalog.keepsSaved(name);
  } catch {
    return false;
  }
}

function sharesLoads(catalog: DataCatalog, name: string): boolean {
  try {
    return catalog.sharesLoads(name);
  } catch {
    return false;
  }
}

function handsOverFrozen(catalog: DataCatalog, name: string): boolean {
  try {
    const dataset = catalog.get(name);
    return dataset instanceof MemoryDataset && dataset.copyMode === 'freeze';
  } catch {
    return false;
  }
}
