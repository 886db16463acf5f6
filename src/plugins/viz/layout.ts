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

export const BOX_HEIGHT = 36;
const LARGE_VIEW = 150;
const CHARACTER_WIDTH = 7.2;
const MIN_WIDTH = 90;
/** Long names are cut in the box (the side panel and tooltip show them whole). */
export const MAX_WIDTH = 280;

export function boxWidth(box: ViewBox): number {
  const label = box.kind === 'namespace' ? `${box.label} (${box.members.length})` : box.label;
  return Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, label.length * CHARACTER_WIDTH + 40)));
}

/**
 * Layered (Sugiyama) layout top to bottom. Model order is kept where ELK may choose, so the same
 * view always gets the same picture. Catalog layers become partitions: every box of layer `raw`
 * sits above every box of layer `intermediate`, which gives each layer its own band.
 */
export async function layoutView(view: View, elk: ElkEngine): Promise<Layout> {
  const partitions = partitionsOf(view);
  const layered = partitions !== undefined;
  // Above 150 boxes ELK's thorough passes take minutes: cheaper layering and crossing
  // minimisation keep a 1,000-node pipeline at a few seconds.
  const large = view.boxes.length > LARGE_VIEW;
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
    children: view.boxes.map((box) => ({
      id: box.id,
      width: boxWidth(box),
      height: BOX_HEIGHT,
      ...(layered
        ? { layoutOptions: { 'elk.partitioning.partition': String(partitions.get(box.id) ?? 0) } }
        : {}),
    })),
    edges: view.edges.map((edge, index): ElkExtendedEdge => ({
      id: `e${index}`,
      sources: [edge.source],
      targets: [edge.target],
    })),
  };
  const result = await elk.layout(graph);
  const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
  for (const child of result.children ?? [])
    boxes[child.id] = {
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? 0,
      height: child.height ?? 0,
    };
  const edges = (result.edges ?? []).map((edge, index) => {
    const section = (edge as ElkExtendedEdge).sections?.[0];
    const points: number[] = [];
    if (section !== undefined) {
      points.push(section.startPoint.x, section.startPoint.y);
      for (const bend of section.bendPoints ?? []) points.push(bend.x, bend.y);
      points.push(section.endPoint.x, section.endPoint.y);
    }
    return { source: view.edges[index]!.source, target: view.edges[index]!.target, points };
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
