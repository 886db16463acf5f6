import type { NodeRunState } from '../graph.ts';
import type { Layout } from '../layout.ts';
import type { View, ViewBox } from '../view.ts';
import { formatDuration, s, shorten } from './dom.ts';

const CHARACTER_WIDTH = 7.2;
const MIN_SCALE = 0.02;
const MAX_SCALE = 4;
/**
 * Below this zoom a box's text is under 4 pixels high: unreadable, so it is not drawn at all,
 * which spares the browser laying out thousands of labels when a large pipeline is fitted.
 */
const TEXT_SCALE = 0.3;
/** Band labels sit left of the drawing, in this margin, so they never cover a box. */
const BAND_LABEL_GAP = 16;
const BAND_LABEL_MARGIN = 130;

interface Transform {
  x: number;
  y: number;
  k: number;
}

/** What the flowchart tells the page about the user's actions on it. */
export interface GraphViewEvents {
  select(id: string | null): void;
  /** Enter or double-click on a collapsed namespace. */
  expand(namespace: string): void;
  transformed(): void;
}

/**
 * The flowchart: boxes, arrows and layer bands in one SVG, with zoom (wheel, +/-), pan (drag,
 * arrow keys) and fit. Run updates only change attributes and the short status line inside each
 * box, whose size is fixed by the layout: nothing moves while a run goes on.
 */
export class GraphView {
  readonly svg: SVGSVGElement;
  readonly #viewport: SVGGElement;
  readonly #boxes = new Map<string, SVGGElement>();
  readonly #edges: { source: string; target: string; path: SVGPathElement }[] = [];
  #layout: Layout | undefined;
  #view: View | undefined;
  #transform: Transform = { x: 0, y: 0, k: 1 };
  #selected: string | null = null;

  constructor(
    container: HTMLElement,
    private readonly events: GraphViewEvents,
    private readonly layerNames: readonly string[],
  ) {
    this.svg = s('svg', {
      class: 'graph',
      tabindex: '0',
      role: 'application',
      'aria-label': 'Pipeline flowchart',
    });
    const defs = s('defs');
    const marker = s('marker', {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    });
    marker.append(s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
    defs.append(marker);
    this.#viewport = s('g', { class: 'viewport' });
    this.svg.append(defs, this.#viewport);
    container.append(this.svg);
    this.#bindPointer();
    this.#bindKeys();
  }

  get transform(): Readonly<Transform> {
    return this.#transform;
  }

  get layout(): Layout | undefined {
    return this.#layout;
  }

  get view(): View | undefined {
    return this.#view;
  }

  /** Draws a view with its layout, replacing what was there; `fit` first fits it to the screen. */
  draw(view: View, layout: Layout, fit = false): void {
    this.#view = view;
    this.#layout = layout;
    // Fitted before the new boxes go in: measuring the drawing's area then costs nothing, where
    // afterwards it would first lay out every box and label at full size (half a second of the
    // browser's time for 2,000 boxes), labels that a fitted large pipeline doesn't even draw.
    if (fit) this.fit();
    this.#boxes.clear();
    this.#edges.length = 0;
    this.#viewport.replaceChildren();
    const bands = s('g', { class: 'bands' });
    for (const band of layout.bands) {
      const group = s('g', { class: 'band', 'data-layer': this.layerNames[band.layer] ?? '' });
      group.append(
        s('rect', { x: -2000, y: band.y, width: layout.width + 4000, height: band.height }),
        s(
          'text',
          { x: -BAND_LABEL_GAP, y: band.y + 16, class: 'band-label', 'text-anchor': 'end' },
          this.layerNames[band.layer] ?? '',
        ),
      );
      bands.append(group);
    }
    const edges = s('g', { class: 'edges' });
    for (const edge of layout.edges) {
      const points = edge.points;
      let d = '';
      for (let i = 0; i < points.length; i += 2) d += `${i === 0 ? 'M' : 'L'}${points[i]},${points[i + 1]}`;
      const path = s('path', { d, class: 'edge', 'marker-end': 'url(#arrow)' });
      edges.append(path);
      this.#edges.push({ source: edge.source, target: edge.target, path });
    }
    const boxes = s('g', { class: 'boxes' });
    for (const box of view.boxes) {
      const placed = layout.boxes[box.id];
      if (placed === undefined) continue;
      const group = this.#box(box, placed.width, placed.height);
      group.setAttribute('transform', `translate(${placed.x},${placed.y})`);
      boxes.append(group);
      this.#boxes.set(box.id, group);
    }
    this.#viewport.append(bands, edges, boxes);
    if (this.#selected !== null) this.select(this.#selected, false);
  }

  #box(box: ViewBox, width: number, height: number): SVGGElement {
    const label = box.kind === 'namespace' ? `${box.label} (${box.members.length} nodes)` : box.label;
    const group = s('g', {
      class: `box ${box.kind}`,
      'data-id': box.id,
      'data-kind': box.kind,
      tabindex: '0',
      role: 'button',
      'aria-label': `${box.kind === 'namespace' ? 'namespace' : box.kind} ${label}`,
    });
    group.append(
      s('title', {}, label),
      s('rect', { width, height, rx: box.kind === 'node' ? 6 : 16, class: 'shape' }),
      s('rect', { width: 5, height, class: 'stripe' }),
      s('text', { x: 12, y: 15, class: 'label' }, shorten(label, Math.floor((width - 20) / CHARACTER_WIDTH))),
      s('text', { x: 12, y: 29, class: 'meta' }, box.kind),
    );
    group.addEventListener('click', (event) => {
      event.stopPropagation();
      this.events.select(box.id);
    });
    group.addEventListener('dblclick', (event) => {
      event.stopPropagation();
      if (box.kind === 'namespace') this.events.expand(box.label);
    });
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        event.stopPropagation();
        if (box.kind === 'namespace' && event.key === 'Enter' && this.#selected === box.id)
          this.events.expand(box.label);
        else this.events.select(box.id);
      }
    });
    return group;
  }

  /** Shows each node's status (and a namespace's, summed up from its members). */
  showStatus(states: Readonly<Record<string, NodeRunState>>, idToName: (id: string) => string): void {
    const view = this.#view;
    if (view === undefined) return;
    for (const box of view.boxes) {
      const group = this.#boxes.get(box.id);
      if (group === undefined) continue;
      let state: NodeRunState | undefined;
      if (box.kind === 'node') state = states[idToName(box.id)];
      else if (box.kind === 'namespace') state = summarize(box.members.map((id) => states[idToName(id)]));
      else continue;
      const status = state?.status ?? 'none';
      if (group.getAttribute('data-status') !== status) group.setAttribute('data-status', status);
      const meta = group.querySelector('text.meta')!;
      const text =
        state === undefined
          ? box.kind
          : `${state.status}${state.durationMs === undefined ? '' : ` · ${formatDuration(state.durationMs)}`}${(state.attempts ?? 1) > 1 ? ` · ${state.attempts} attempts` : ''}`;
      if (meta.textContent !== text) meta.textContent = text;
    }
  }

  /** Marks the matches of a search (and dims the rest); an empty set clears it. */
  highlight(ids: ReadonlySet<string> | null): void {
    for (const [id, group] of this.#boxes) {
      group.classList.toggle('match', ids !== null && ids.has(id));
      group.classList.toggle('dimmed', ids !== null && !ids.has(id));
    }
  }

  select(id: string | null, focus = true): void {
    if (this.#selected !== null) this.#boxes.get(this.#selected)?.classList.remove('selected');
    this.#selected = id;
    for (const edge of this.#edges)
      edge.path.classList.toggle('related', id !== null && (edge.source === id || edge.target === id));
    if (id === null) return;
    const group = this.#boxes.get(id);
    if (group === undefined) return;
    group.classList.add('selected');
    if (focus) group.focus({ preventScroll: true });
  }

  has(id: string): boolean {
    return this.#boxes.has(id);
  }

  /** Scales and moves the drawing so that it fits the visible area. */
  fit(): void {
    const layout = this.#layout;
    if (layout === undefined) return;
    const { width, height } = this.svg.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const left = layout.bands.length > 0 ? BAND_LABEL_MARGIN : 0;
    const k = Math.min(
      MAX_SCALE,
      Math.max(MIN_SCALE, Math.min(width / (layout.width + left + 40), height / (layout.height + 40), 1.5)),
    );
    this.setTransform({ k, x: (width - (layout.width - left) * k) / 2, y: (height - layout.height * k) / 2 });
  }

  /** Centres the view on a box, zooming in when it would be too small to read. */
  centerOn(id: string): void {
    const placed = this.#layout?.boxes[id];
    if (placed === undefined) return;
    const { width, height } = this.svg.getBoundingClientRect();
    const k = Math.max(this.#transform.k, 0.8);
    this.setTransform({
      k,
      x: width / 2 - (placed.x + placed.width / 2) * k,
      y: height / 2 - (placed.y + placed.height / 2) * k,
    });
  }

  zoomBy(factor: number, cx?: number, cy?: number): void {
    const { width, height } = this.svg.getBoundingClientRect();
    const px = cx ?? width / 2;
    const py = cy ?? height / 2;
    const t = this.#transform;
    const k = Math.min(MAX_SCALE, Math.max(MIN_SCALE, t.k * factor));
    this.setTransform({ k, x: px - ((px - t.x) * k) / t.k, y: py - ((py - t.y) * k) / t.k });
  }

  panBy(dx: number, dy: number): void {
    const t = this.#transform;
    this.setTransform({ k: t.k, x: t.x + dx, y: t.y + dy });
  }

  setTransform(transform: Transform): void {
    this.#transform = transform;
    const far = transform.k < TEXT_SCALE;
    if (this.svg.classList.contains('far') !== far) this.svg.classList.toggle('far', far);
    this.#viewport.setAttribute(
      'transform',
      `translate(${transform.x},${transform.y}) scale(${transform.k})`,
    );
    this.events.transformed();
  }

  #bindPointer(): void {
    let drag: { x: number; y: number; moved: boolean } | undefined;
    this.svg.addEventListener('pointerdown', (event) => {
      if ((event.target as Element).closest('.box') !== null) return;
      drag = { x: event.clientX, y: event.clientY, moved: false };
      this.svg.setPointerCapture(event.pointerId);
    });
    this.svg.addEventListener('pointermove', (event) => {
      if (drag === undefined) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      drag.x = event.clientX;
      drag.y = event.clientY;
      this.panBy(dx, dy);
    });
    this.svg.addEventListener('pointerup', () => {
      if (drag !== undefined && !drag.moved) this.events.select(null);
      drag = undefined;
    });
    this.svg.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const rect = this.svg.getBoundingClientRect();
        this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
      },
      { passive: false },
    );
  }

  #bindKeys(): void {
    this.svg.addEventListener('keydown', (event) => {
      const step = 60;
      const keys: Record<string, () => void> = {
        ArrowLeft: () => this.panBy(step, 0),
        ArrowRight: () => this.panBy(-step, 0),
        ArrowUp: () => this.panBy(0, step),
        ArrowDown: () => this.panBy(0, -step),
        '+': () => this.zoomBy(1.25),
        '=': () => this.zoomBy(1.25),
        '-': () => this.zoomBy(0.8),
        '0': () => this.fit(),
      };
      const action = keys[event.key];
      if (action === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
      event.preventDefault();
      action();
    });
  }
}

/** A collapsed namespace's status: failed or running if any member is, done when all are. */
function summarize(states: readonly (NodeRunState | undefined)[]): NodeRunState | undefined {
  const known = states.filter((state): state is NodeRunState => state !== undefined);
  if (known.length === 0) return undefined;
  for (const status of ['failed', 'running', 'queued'] as const)
    if (known.some((state) => state.status === status)) return { status };
  if (known.every((state) => state.status === 'skipped')) return { status: 'skipped' };
  return { status: 'done' };
}
