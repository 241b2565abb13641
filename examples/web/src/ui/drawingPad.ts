// The drawing pad: white ink on a transparent canvas (the page's dark background shows through),
// drawn with pointer events (mouse, pen and touch alike). `ink()` reads the drawing back as a grey
// image (the alpha channel) for drawingPreprocess.
import { boundingBox, greyImage, type Box, type GreyImage } from '../drawingPreprocess.js';

export interface PadEvents {
  /** While drawing, at most every `throttleMs`. */
  onDraw(): void;
  /** A stroke ended. */
  onStroke(): void;
}

export class DrawingPad {
  readonly ctx: CanvasRenderingContext2D;
  strokes = 0;
  private last: { x: number; y: number } | null = null;
  private pointer: number | null = null;
  private lastDraw = 0;
  /** The pad's CSS width, kept by a ResizeObserver so that reading it never forces a layout. */
  private cssWidth: number;

  constructor(readonly canvas: HTMLCanvasElement, private readonly events: PadEvents, private readonly throttleMs = 120) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('DrawingPad: no 2d canvas context');
    this.ctx = ctx;
    this.cssWidth = canvas.getBoundingClientRect().width;
    new ResizeObserver((entries) => {
      for (const e of entries) this.cssWidth = e.borderBoxSize[0]?.inlineSize ?? e.contentRect.width;
    }).observe(canvas);
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    canvas.addEventListener('pointerup', (e) => this.up(e));
    canvas.addEventListener('pointercancel', (e) => this.up(e));
  }

  /** Ink width: about 7.5 % of the pad, so a digit drawn across most of it gets MNIST's 2-3 px strokes at 20 px. */
  private get lineWidth(): number {
    return 0.075 * this.canvas.width;
  }

  private at(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.canvas.width) / r.width, y: ((e.clientY - r.top) * this.canvas.height) / r.height };
  }

  private down(e: PointerEvent): void {
    if (this.pointer !== null) return;
    e.preventDefault();
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.at(e);
    this.segment(this.last, this.last);
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.pointer || this.last === null) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.at(ev);
      this.segment(this.last, p);
      this.last = p;
    }
    const now = performance.now();
    if (now - this.lastDraw >= this.throttleMs) {
      this.lastDraw = now;
      this.events.onDraw();
    }
  }

  private up(e: PointerEvent): void {
    if (e.pointerId !== this.pointer) return;
    this.pointer = null;
    this.last = null;
    this.strokes++;
    this.events.onStroke();
  }

  private segment(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const c = this.ctx;
    c.strokeStyle = '#fff';
    c.lineWidth = this.lineWidth;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    c.beginPath();
    c.moveTo(a.x, a.y);
    c.lineTo(b.x, b.y);
    c.stroke();
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.strokes = 0;
  }

  /** The drawing as a grey image: ink coverage (alpha) in [0, 1]. */
  ink(): GreyImage {
    const { width, height } = this.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const out = greyImage(width, height);
    for (let i = 0; i < out.data.length; i++) out.data[i] = rgba[4 * i + 3]! / 255;
    return out;
  }

  /** CSS pixels per canvas pixel. */
  get cssScale(): number {
    return this.cssWidth / this.canvas.width;
  }

  /** A box in canvas pixels as CSS pixels relative to the pad's top-left corner. */
  toCss(b: Box): Box {
    const s = this.cssScale;
    return { x: b.x * s, y: b.y * s, width: b.width * s, height: b.height * s };
  }

  /** The ink's bounding box in canvas pixels, or null for a blank pad. */
  inkBox(): Box | null {
    return boundingBox(this.ink());
  }
}
