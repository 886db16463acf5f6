import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { View, ViewBox } from './view.ts';

/** Where each box and arrow of a view goes, in page units. */
export interface Layout {
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: Readonly<Record<string, { x: number; y: number; width: number; height: number }>>;
  /** Each arrow as a polyline, from its source box to its target box. */
  readonly edges: readonly {
    readonly source: string;
    readonly target: string;
    readonly points: readonly number[];
  }[];
  /** The horizontal band of each layer present in the view, top to bottom. */
  readonly bands: readonly { readonly layer: number; readonly y: number; readonly height: number }[];
}

/** The part of ELK the layout needs: the same in Node (the server) and in the browser (the page). */
export interface ElkEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/**
 * Changes whenever the same view would get another picture: part of the layout cache's key, so
 * that layouts stored by an older Sluice are computed again.
 */
export const LAYOUT_VERSION = 3;

export const BOX_HEIGHT = 36;
/** Above this many boxes, a view is laid out with cheaper passes and stacked datasets. */
export const LARGE_VIEW = 150;
const CHARACTER_WIDTH = 7.2;
const MIN_WIDTH = 90;
/** Long names are cut in the box (the side panel and tooltip show them whole). */
export const MAX_WIDTH = 280;
/** The most outputs a box can carry stacked under it; a box with more keeps them apart. */
const MAX_STACKED = 4;
/** Between a box and the datasets stacked under it, and between those datasets. */
const STACK_GAP = 24;
const STACK_SPACING = 12;

type Placed = { x: number; y: number; width: number; height: number };

export function boxWidth(box: ViewBox): number {
  const label = box.kind === 'namespace' ? `${box.label} (${box.members.length})` : box.label;
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, label.length * CHARACTER_WIDTH + 40)));
}

/**
 * One box ELK places: a box alone, or (in a large view) a node or collapsed namespace with the
 * datasets only it writes stacked in a row under it. A dataset has one writer, so stacking it
 * there keeps every arrow in data-flow direction while ELK places half as many boxes. Only the
 * datasets in the writer's own layer band ride with it: a stack is one ELK box in one partition.
 */
interface Stack {
  readonly head: ViewBox;
  readonly stacked: ViewBox[];
}

/** Choices `npm run bench:viz` compares; the page and the server leave them to the defaults. */
export interface LayoutOptions {
  /** Datasets in stacks under their writers: default above {@link LARGE_VIEW} boxes. */
  readonly stackDatasets?: boolean | undefined;
}

/**
 * Layered (Sugiyama) layout top to bottom. Model order is kept where ELK may choose, so the same
 * view always gets the same picture. Catalog layers become partitions: every box of layer `raw`
 * sits above every box of layer `intermediate`, which gives each layer its own band.
 *
 * A large view costs ELK seconds on first use (its compiled Java runs cold, about 1 ms per box),
 * so above {@link LARGE_VIEW} boxes it gets cheaper passes (longest-path layering, one
 * crossing-minimisation round) and each dataset rides in a stack under the node that writes it:
 * ELK places about half the boxes and the arrows between stacks, and the arrow from a node to its
 * own dataset is drawn straight down.
 */
export async function layoutView(view: View, elk: ElkEngine, options: LayoutOptions = {}): Promise<Layout> {
  const partitions = partitionsOf(view);
  const layered = partitions !== undefined;
  const large = view.boxes.length > LARGE_VIEW;
  const stacking = options.stackDatasets ?? large;
  const stacks = stacking
    ? stacksOf(view, partitions)
    : view.boxes.map((head): Stack => ({ head, stacked: [] }));
  const stackOf = new Map<string, Stack>();
  for (const stack of stacks) {
    stackOf.set(stack.head.id, stack);
    for (const box of stack.stacked) stackOf.set(box.id, stack);
  }
  const between = view.edges
    .map((edge, index) => ({ edge, index }))
    .filter(({ edge }) => stackOf.get(edge.source) !== stackOf.get(edge.target));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'POLYLINE',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.layered.thoroughness': large ? '1' : '7',
      ...(large ? { 'elk.layered.layering.strategy': 'LONGEST_PATH' } : {}),
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '40',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.separateConnectedComponents': 'false',
      'elk.randomSeed': '1',
      ...(layered ? { 'elk.partitioning.activate': 'true' } : {}),
    },
    children: stacks.map((stack) => ({
      id: stack.head.id,
      ...stackSize(stack),
      ...(layered
        ? {
            layoutOptions: {
              // A stack holds the head's partition only (see stacksOf).
              'elk.partitioning.partition': String(partitions.get(stack.head.id) ?? 0),
            },
          }
        : {}),
    })),
    edges: between.map(({ edge, index }): ElkExtendedEdge => ({
      id: `e${index}`,
      sources: [stackOf.get(edge.source)!.head.id],
      targets: [stackOf.get(edge.target)!.head.id],
    })),
  };
  const result = await elk.layout(graph);

  const boxes: Record<string, Placed> = {};
  for (const child of result.children ?? []) {
    const stack = stackOf.get(child.id);
    if (stack !== undefined) placeStack(stack, child.x ?? 0, child.y ?? 0, boxes);
  }
  const routed = new Map<number, number[]>();
  for (const [position, edge] of (result.edges ?? []).entries()) {
    const section = (edge as ElkExtendedEdge).sections?.[0];
    const points: number[] = [];
    if (section !== undefined) {
      points.push(section.startPoint.x, section.startPoint.y);
      for (const bend of section.bendPoints ?? []) points.push(bend.x, bend.y);
      points.push(section.endPoint.x, section.endPoint.y);
    }
    routed.set(between[position]!.index, points);
  }
  const edges = view.edges.map((edge, index) => {
    const source = boxes[edge.source]!;
    const target = boxes[edge.target]!;
    let points = routed.get(index);
    if (points === undefined) points = [];
    if (!stacking) return { source: edge.source, target: edge.target, points };
    // A stack's arrows leave from the box they belong to (the dataset, not the stack's edge):
    // bottom centre to top centre, through ELK's bend points.
    const from = [source.x + source.width / 2, source.y + source.height];
    const to = [target.x + target.width / 2, target.y];
    return {
      source: edge.source,
      target: edge.target,
      points: [...from, ...points.slice(2, Math.max(2, points.length - 2)), ...to],
    };
  });
  return {
    key: view.key,
    width: result.width ?? 0,
    height: result.height ?? 0,
    boxes,
    edges,
    bands: layered ? bandsOf(view, boxes) : [],
  };
}

/**
 * Each node or collapsed namespace with the datasets only it writes (at most
 * {@link MAX_STACKED}; with more, none), in the view's order; every other box alone. With layer
 * bands, a dataset joins its writer's stack only in the writer's partition: a node that writes a
 * raw and a primary dataset would otherwise carry the raw one down into the primary band.
 */
function stacksOf(view: View, partitions: ReadonlyMap<string, number> | undefined): Stack[] {
  const byId = new Map(view.boxes.map((box) => [box.id, box]));
  const writers = new Map<string, string[]>();
  for (const edge of view.edges)
    (writers.get(edge.target) ?? writers.set(edge.target, []).get(edge.target)!).push(edge.source);
  const outputs = new Map<string, ViewBox[]>();
  for (const box of view.boxes) {
    if (box.kind !== 'dataset' && box.kind !== 'parameters') continue;
    const writer = writers.get(box.id);
    if (writer?.length !== 1) continue;
    const head = byId.get(writer[0]!);
    if (head === undefined || (head.kind !== 'node' && head.kind !== 'namespace')) continue;
    if (partitions !== undefined && partitions.get(box.id) !== partitions.get(head.id)) continue;
    (outputs.get(head.id) ?? outputs.set(head.id, []).get(head.id)!).push(box);
  }
  const stacked = new Set<string>();
  for (const [head, boxes] of outputs) {
    if (boxes.length > MAX_STACKED) outputs.delete(head);
    else for (const box of boxes) stacked.add(box.id);
  }
  return view.boxes
    .filter((box) => !stacked.has(box.id))
    .map((head) => ({ head, stacked: outputs.get(head.id) ?? [] }));
}

function stackSize(stack: Stack): { width: number; height: number } {
  if (stack.stacked.length === 0) return { width: boxWidth(stack.head), height: BOX_HEIGHT };
  return {
    width: Math.max(boxWidth(stack.head), rowWidth(stack.stacked)),
    height: 2 * BOX_HEIGHT + STACK_GAP,
  };
}

function rowWidth(boxes: readonly ViewBox[]): number {
  return boxes.reduce((sum, box) => sum + boxWidth(box), 0) + STACK_SPACING * (boxes.length - 1);
}

/** The head centred on top of the stack, its datasets in a centred row under it. */
function placeStack(stack: Stack, x: number, y: number, boxes: Record<string, Placed>): void {
  const { width } = stackSize(stack);
  const headWidth = boxWidth(stack.head);
  boxes[stack.head.id] = { x: x + (width - headWidth) / 2, y, width: headWidth, height: BOX_HEIGHT };
  let left = x + (width - rowWidth(stack.stacked)) / 2;
  for (const box of stack.stacked) {
    const boxW = boxWidth(box);
    boxes[box.id] = { x: left, y: y + BOX_HEIGHT + STACK_GAP, width: boxW, height: BOX_HEIGHT };
    left += boxW + STACK_SPACING;
  }
}

/**
 * Each box's partition: a dataset with a layer takes its layer's index, anything else the highest
 * partition among its predecessors, so that arrows never point to an earlier band. Undefined
 * when no box has a layer.
 */
function partitionsOf(view: View): Map<string, number> | undefined {
  if (!view.boxes.some((box) => box.layer >= 0)) return undefined;
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const edge of view.edges) {
    (incoming.get(edge.target) ?? incoming.set(edge.target, []).get(edge.target)!).push(edge.source);
    (outgoing.get(edge.source) ?? outgoing.set(edge.source, []).get(edge.source)!).push(edge.target);
  }
  const pending = new Map(view.boxes.map((box) => [box.id, incoming.get(box.id)?.length ?? 0]));
  const byId = new Map(view.boxes.map((box) => [box.id, box]));
  const partition = new Map<string, number>();
  const ready = view.boxes.filter((box) => pending.get(box.id) === 0).map((box) => box.id);
  while (ready.length > 0) {
    const id = ready.shift()!;
    const inherited = Math.max(0, ...(incoming.get(id) ?? []).map((source) => partition.get(source) ?? 0));
    partition.set(id, Math.max(inherited, byId.get(id)!.layer));
    for (const target of outgoing.get(id) ?? []) {
      const left = pending.get(target)! - 1;
      pending.set(target, left);
      if (left === 0) ready.push(target);
    }
  }
  return partition;
}

function bandsOf(
  view: View,
  boxes: Readonly<Record<string, { y: number; height: number }>>,
): { layer: number; y: number; height: number }[] {
  const extents = new Map<number, { top: number; bottom: number }>();
  for (const box of view.boxes) {
    if (box.layer < 0) continue;
    const placed = boxes[box.id];
    if (placed === undefined) continue;
    const extent = extents.get(box.layer) ?? { top: Infinity, bottom: -Infinity };
    extent.top = Math.min(extent.top, placed.y);
    extent.bottom = Math.max(extent.bottom, placed.y + placed.height);
    extents.set(box.layer, extent);
  }
  return [...extents.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([layer, { top, bottom }]) => ({ layer, y: top - 12, height: bottom - top + 24 }));
}
