/**
 * The dependency graph behind a pipeline: datasets get small integer ids, and producers,
 * consumers and each node's inputs and outputs live in flat typed arrays (compressed adjacency
 * lists). Building it is one linear pass that also runs the construction checks in Kedro's order:
 * duplicate names, then transcoding mixes, then duplicate outputs. (Node definitions were checked
 * when the nodes were made; the cycle check comes with layering, see layers.ts.) Traversals then
 * touch only integers, which keeps 100k-node pipelines cheap.
 */
import { DuplicateNodeNameError, OutputNotUniqueError, TranscodingError } from './errors.ts';
import type { Node } from './node.ts';
import { sortedNames } from './ordering.ts';
import { stripTranscoding } from './transcoding.ts';

const USED_PLAIN = 1;
const USED_TRANSCODED = 2;

export class DependencyGraph {
  readonly nodes: readonly Node[];
  /** Full node name → node index. */
  readonly indexByName = new Map<string, number>();
  /** Dataset name (transcoding stripped) → dataset id. */
  readonly datasetIds = new Map<string, number>();
  /** Dataset id → dataset name (transcoding stripped). */
  readonly datasetNames: string[] = [];
  /** Dataset id → index of its producer, or -1 for a free input. */
  readonly producer: Int32Array;
  /** Consumers of dataset `d` are `consumerList[consumerStart[d] .. consumerStart[d + 1]]`. */
  readonly consumerStart: Int32Array;
  readonly consumerList: Int32Array;
  /** Input datasets of node `i` (stripped, each once) are `inputIds[inputStart[i] .. inputStart[i + 1]]`. */
  readonly inputStart: Int32Array;
  readonly inputIds: Int32Array;
  /** Output datasets of node `i`, likewise. */
  readonly outputStart: Int32Array;
  readonly outputIds: Int32Array;

  /**
   * @throws {@link DuplicateNodeNameError}, {@link TranscodingError}, {@link OutputNotUniqueError},
   * checked in that order.
   */
  constructor(nodes: readonly Node[]) {
    this.nodes = nodes;
    const count = nodes.length;
    let repeatedNames: Set<string> | undefined;
    let inputTotal = 0;
    let outputTotal = 0;
    for (let i = 0; i < count; i++) {
      const node = nodes[i]!;
      if (this.indexByName.has(node.name)) (repeatedNames ??= new Set()).add(node.name);
      else this.indexByName.set(node.name, i);
      inputTotal += node.baseInputs.length;
      outputTotal += node.baseOutputs.length;
    }
    if (repeatedNames !== undefined) throw new DuplicateNodeNameError(sortedNames(repeatedNames));

    const capacity = inputTotal + outputTotal;
    const usage = new Uint8Array(capacity);
    const producer = new Int32Array(capacity).fill(-1);
    const consumerCount = new Int32Array(capacity);
    this.inputStart = new Int32Array(count + 1);
    this.inputIds = new Int32Array(inputTotal);
    this.outputStart = new Int32Array(count + 1);
    this.outputIds = new Int32Array(outputTotal);
    let repeatedOutputs: Set<string> | undefined;
    let inputAt = 0;
    let outputAt = 0;
    for (let i = 0; i < count; i++) {
      const node = nodes[i]!;
      this.inputStart[i] = inputAt;
      // Node keeps `baseInputs === inputs` when no input is transcoded or repeated: one loop then.
      if (node.baseInputs !== node.inputs) for (const name of node.inputs) this.#markUsage(name, usage);
      for (const base of node.baseInputs) {
        const id = this.#idOf(base);
        if (node.baseInputs === node.inputs) usage[id]! |= USED_PLAIN;
        this.inputIds[inputAt++] = id;
        consumerCount[id]!++;
      }
      this.outputStart[i] = outputAt;
      // Duplicates count per written name, so `ds@a` and `ds@b` from one node are two producers (Kedro).
      for (const name of node.outputs) {
        const id = this.#markUsage(name, usage);
        if (producer[id] === -1) producer[id] = i;
        else (repeatedOutputs ??= new Set()).add(this.datasetNames[id]!);
      }
      for (const base of node.baseOutputs) this.outputIds[outputAt++] = this.datasetIds.get(base)!;
    }
    this.inputStart[count] = inputAt;
    this.outputStart[count] = outputAt;

    const datasetCount = this.datasetNames.length;
    const mixed: string[] = [];
    for (let id = 0; id < datasetCount; id++)
      if (usage[id] === (USED_PLAIN | USED_TRANSCODED)) mixed.push(this.datasetNames[id]!);
    if (mixed.length > 0) throw new TranscodingError(sortedNames(mixed));
    if (repeatedOutputs !== undefined) throw new OutputNotUniqueError(sortedNames(repeatedOutputs));

    this.producer = producer.subarray(0, datasetCount);
    this.consumerStart = new Int32Array(datasetCount + 1);
    for (let id = 0; id < datasetCount; id++)
      this.consumerStart[id + 1] = this.consumerStart[id]! + consumerCount[id]!;
    this.consumerList = new Int32Array(inputTotal);
    const cursor = this.consumerStart.slice(0, datasetCount);
    for (let i = 0; i < count; i++) {
      for (let k = this.inputStart[i]!; k < this.inputStart[i + 1]!; k++)
        this.consumerList[cursor[this.inputIds[k]!]!++] = i;
    }
  }

  /** The id of a dataset (transcoding stripped), or undefined when no node uses it. */
  datasetId(name: string): number | undefined {
    return this.datasetIds.get(stripTranscoding(name));
  }

  /** Whether any node consumes the dataset with this id. */
  hasConsumers(id: number): boolean {
    return this.consumerStart[id + 1]! > this.consumerStart[id]!;
  }

  /** Indices of the consumers of a dataset id. */
  consumersOf(id: number): Int32Array {
    return this.consumerList.subarray(this.consumerStart[id]!, this.consumerStart[id + 1]!);
  }

  /** Marks the start nodes and every node downstream of them. */
  markDescendants(start: Iterable<number>): Uint8Array {
    const marks = new Uint8Array(this.nodes.length);
    const queue = this.#seed(start, marks);
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head]!;
      for (let k = this.outputStart[i]!; k < this.outputStart[i + 1]!; k++) {
        const id = this.outputIds[k]!;
        for (let c = this.consumerStart[id]!; c < this.consumerStart[id + 1]!; c++) {
          const child = this.consumerList[c]!;
          if (marks[child] === 0) {
            marks[child] = 1;
            queue.push(child);
          }
        }
      }
    }
    return marks;
  }

  /** Marks the start nodes and every node upstream of them. */
  markAncestors(start: Iterable<number>): Uint8Array {
    const marks = new Uint8Array(this.nodes.length);
    const queue = this.#seed(start, marks);
    for (let head = 0; head < queue.length; head++) {
      const i = queue[head]!;
      for (let k = this.inputStart[i]!; k < this.inputStart[i + 1]!; k++) {
        const parent = this.producer[this.inputIds[k]!]!;
        if (parent !== -1 && marks[parent] === 0) {
          marks[parent] = 1;
          queue.push(parent);
        }
      }
    }
    return marks;
  }

  #seed(start: Iterable<number>, marks: Uint8Array): number[] {
    const queue: number[] = [];
    for (const i of start) {
      if (marks[i] === 0) {
        marks[i] = 1;
        queue.push(i);
      }
    }
    return queue;
  }

  #idOf(base: string): number {
    let id = this.datasetIds.get(base);
    if (id === undefined) {
      id = this.datasetNames.length;
      this.datasetIds.set(base, id);
      this.datasetNames.push(base);
    }
    return id;
  }

  #markUsage(name: string, usage: Uint8Array): number {
    const base = stripTranscoding(name);
    const id = this.#idOf(base);
    usage[id]! |= base === name ? USED_PLAIN : USED_TRANSCODED;
    return id;
  }
}
