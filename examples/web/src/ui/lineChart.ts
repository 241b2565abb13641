// A small line chart on a canvas: a few series against a shared x axis, linear or log y, gridlines,
// tick labels and a legend. Drawn whole each time (cheap: a few thousand points).

export interface ChartLine {
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: string;
  width: number;
  alpha?: number;
  /** Draw a dot at each point (epoch results) instead of, or as well as, the line. */
  dots?: boolean;
  line?: boolean;
}

export interface ChartSpec {
  xMax: number;
  yMin: number;
  yMax: number;
  logY?: boolean;
  yTicks: readonly number[];
  yFormat: (v: number) => string;
  xTicks: readonly number[];
  xFormat: (v: number) => string;
  lines: readonly ChartLine[];
  legend: readonly { label: string; color: string }[];
}

const PAD = { left: 44, right: 10, top: 22, bottom: 22 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

/** CSS sizes of the charts' canvases, kept by a ResizeObserver so that drawing never forces a layout. */
const sizes = new WeakMap<Element, { w: number; h: number; onResize: () => void }>();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) {
    const s = sizes.get(e.target);
    if (s === undefined) continue;
    s.w = e.contentRect.width;
    s.h = e.contentRect.height;
    s.onResize();
  }
});

/** Keeps the canvas's CSS size for `drawChart`, and calls `onResize` when it changes (and once at first). */
export function watchSize(canvas: HTMLCanvasElement, onResize: () => void): void {
  sizes.set(canvas, { w: canvas.clientWidth, h: canvas.clientHeight, onResize });
  observer.observe(canvas);
}

/** Sizes the canvas's backing store to its CSS box at the device's pixel ratio; returns the CSS size. */
function fit(canvas: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D } {
  const dpr = window.devicePixelRatio || 1;
  const { w, h } = sizes.get(canvas) ?? { w: canvas.clientWidth, h: canvas.clientHeight };
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('lineChart: no 2d canvas context');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

export function drawChart(canvas: HTMLCanvasElement, spec: ChartSpec): void {
  const { w, h, ctx } = fit(canvas);
  ctx.clearRect(0, 0, w, h);
  const pw = w - PAD.left - PAD.right, ph = h - PAD.top - PAD.bottom;
  const ty = (v: number): number => (spec.logY ? Math.log(v) : v);
  const y0 = ty(spec.yMin), y1 = ty(spec.yMax);
  const X = (x: number): number => PAD.left + (pw * x) / Math.max(1, spec.xMax);
  // values outside [yMin, yMax] run off the plot (clipped below), rather than along its edge
  const Y = (y: number): number => PAD.top + ph * (1 - (ty(Math.max(y, 1e-12)) - y0) / (y1 - y0));
  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e6e8ef';
  ctx.fillStyle = '#6b7280';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of spec.yTicks) {
    const y = Math.round(Y(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(PAD.left, y);
    ctx.lineTo(PAD.left + pw, y);
    ctx.stroke();
    ctx.fillText(spec.yFormat(t), PAD.left - 6, y);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of spec.xTicks) {
    const x = Math.round(X(t)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, PAD.top);
    ctx.lineTo(x, PAD.top + ph);
    ctx.stroke();
    ctx.fillText(spec.xFormat(t), x, PAD.top + ph + 5);
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD.left, PAD.top - 4, pw, ph + 8);
  ctx.clip();
  for (const l of spec.lines) {
    ctx.globalAlpha = l.alpha ?? 1;
    ctx.strokeStyle = l.color;
    ctx.fillStyle = l.color;
    ctx.lineWidth = l.width;
    ctx.lineJoin = 'round';
    if (l.line !== false && l.xs.length > 1) {
      // at most about one point per pixel column: the cost stays flat however long the run
      const stride = Math.max(1, Math.floor(l.xs.length / pw));
      ctx.beginPath();
      ctx.moveTo(X(l.xs[0]!), Y(l.ys[0]!));
      for (let i = stride; i < l.xs.length; i += stride) ctx.lineTo(X(l.xs[i]!), Y(l.ys[i]!));
      const last = l.xs.length - 1;
      if (last % stride !== 0) ctx.lineTo(X(l.xs[last]!), Y(l.ys[last]!));
      ctx.stroke();
    }
    if (l.dots) {
      for (let i = 0; i < l.xs.length; i++) {
        ctx.beginPath();
        ctx.arc(X(l.xs[i]!), Y(l.ys[i]!), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();
  ctx.globalAlpha = 1;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let lx = PAD.left;
  for (const item of spec.legend) {
    ctx.fillStyle = item.color;
    ctx.fillRect(lx, 7, 12, 3);
    ctx.fillStyle = '#374151';
    ctx.fillText(item.label, lx + 16, 9);
    lx += 22 + ctx.measureText(item.label).width;
  }
}

/** Round tick values for [0, max] (about `count` of them). */
export function linearTicks(min: number, max: number, count: number): number[] {
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
