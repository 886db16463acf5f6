import type { GraphView } from './graph-view.ts';
import { h } from './dom.ts';

const WIDTH = 200;
const HEIGHT = 140;

/**
 * The whole drawing in miniature, with the visible area outlined: on a large graph, where you
 * are. Click or drag in it to move there. Drawn on a canvas, so it costs the same for any size.
 */
export class Minimap {
  readonly element: HTMLCanvasElement;
  #scheduled = false;

  constructor(
    container: HTMLElement,
    private readonly graph: GraphView,
    private readonly statusOf: (id: string) => string,
  ) {
    this.element = h('canvas', {
      className: 'minimap',
      attrs: {
        width: String(WIDTH),
        height: String(HEIGHT),
        'aria-label': 'Minimap: click to move there',
        role: 'img',
      },
    });
    container.append(this.element);
    let dragging = false;
    const move = (event: PointerEvent) => {
      const layout = this.graph.layout;
      if (layout === undefined) return;
      const { scale, offsetX, offsetY } = this.#fit();
      const rect = this.element.getBoundingClientRect();
      const x = (event.clientX - rect.left - offsetX) / scale;
      const y = (event.clientY - rect.top - offsetY) / scale;
      const bounds = this.graph.svg.getBoundingClientRect();
      const k = this.graph.transform.k;
      this.graph.setTransform({ k, x: bounds.width / 2 - x * k, y: bounds.height / 2 - y * k });
    };
    this.element.addEventListener('pointerdown', (event) => {
      dragging = true;
      this.element.setPointerCapture(event.pointerId);
      move(event);
    });
    this.element.addEventListener('pointermove', (event) => {
      if (dragging) move(event);
    });
    this.element.addEventListener('pointerup', () => {
      dragging = false;
    });
  }

  #fit(): { scale: number; offsetX: number; offsetY: number } {
    const layout = this.graph.layout!;
    const scale = Math.min(
      (WIDTH - 8) / Math.max(1, layout.width),
      (HEIGHT - 8) / Math.max(1, layout.height),
    );
    return {
      scale,
      offsetX: (WIDTH - layout.width * scale) / 2,
      offsetY: (HEIGHT - layout.height * scale) / 2,
    };
  }

  /** Redraws on the next frame (many calls in one frame draw once). */
  update(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#draw();
    });
  }

  #draw(): void {
    const context = this.element.getContext('2d');
    const layout = this.graph.layout;
    if (context === null || layout === undefined) return;
    const styles = getComputedStyle(this.element);
    context.clearRect(0, 0, WIDTH, HEIGHT);
    const { scale, offsetX, offsetY } = this.#fit();
    for (const [id, box] of Object.entries(layout.boxes)) {
      context.fillStyle = styles.getPropertyValue(`--status-${this.statusOf(id)}`) || '#888';
      context.fillRect(
        offsetX + box.x * scale,
        offsetY + box.y * scale,
        Math.max(1, box.width * scale),
        Math.max(1, box.height * scale),
      );
    }
    const bounds = this.graph.svg.getBoundingClientRect();
    const t = this.graph.transform;
    context.strokeStyle = styles.getPropertyValue('--accent') || '#36c';
    context.lineWidth = 1.5;
    context.strokeRect(
      offsetX + (-t.x / t.k) * scale,
      offsetY + (-t.y / t.k) * scale,
      (bounds.width / t.k) * scale,
      (bounds.height / t.k) * scale,
    );
  }
}
