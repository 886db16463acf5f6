/**
 * The checks a pipeline runs on construction, in Kedro's order: duplicate names, then transcoding
 * mixes, then duplicate outputs. (Node definitions are checked when nodes are made; cycles when
 * the pipeline is layered.) Each check is one pass over the nodes.
 */
import { DuplicateNodeNameError, OutputNotUniqueError, TranscodingError } from './errors.ts';
import type { Node } from './node.ts';
import { sortedNames } from './ordering.ts';
import { stripTranscoding } from './transcoding.ts';

/** @throws {@link DuplicateNodeNameError} when two nodes share a full name (even the same node twice). */
export function checkUniqueNames(nodes: readonly Node[], byName: Map<string, Node>): void {
  let repeated: Set<string> | undefined;
  for (const node of nodes) {
    if (byName.has(node.name)) (repeated ??= new Set()).add(node.name);
    else byName.set(node.name, node);
  }
  if (repeated !== undefined) throw new DuplicateNodeNameError(sortedNames(repeated));
}

/** @throws {@link TranscodingError} when a dataset is used both as `ds` and as `ds@format`. */
export function checkTranscodingConsistent(nodes: readonly Node[]): void {
  const plain = new Set<string>();
  const transcodedBases = new Set<string>();
  for (const node of nodes) {
    collect(node.inputs, plain, transcodedBases);
    collect(node.outputs, plain, transcodedBases);
  }
  if (transcodedBases.size === 0) return;
  const mixed = [...transcodedBases].filter((base) => plain.has(base));
  if (mixed.length > 0) throw new TranscodingError(sortedNames(mixed));
}

function collect(names: readonly string[], plain: Set<string>, transcodedBases: Set<string>): void {
  for (const name of names) {
    const base = stripTranscoding(name);
    if (base === name) plain.add(name);
    else transcodedBases.add(base);
  }
}

/**
 * Indexes producers by dataset (transcoding stripped).
 *
 * @throws {@link OutputNotUniqueError} when two outputs (even of one node, as `ds@a` and `ds@b`)
 * are the same dataset.
 */
export function indexProducers(nodes: readonly Node[], producers: Map<string, Node>): void {
  let repeated: Set<string> | undefined;
  for (const node of nodes) {
    for (const output of node.outputs) {
      const base = stripTranscoding(output);
      if (producers.has(base)) (repeated ??= new Set()).add(base);
      else producers.set(base, node);
    }
  }
  if (repeated !== undefined) throw new OutputNotUniqueError(sortedNames(repeated));
}
