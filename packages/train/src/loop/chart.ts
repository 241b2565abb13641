// A line chart of per-epoch values as an SVG fragment, laid out in bands that cannot overlap:
// title, y-axis title, the plot (markers on every point, 1-2-5 ticks), x tick labels, x-axis title,
// then the legend below the plot. Every coordinate is absolute (no transforms), and each element
// carries a class (`title`, `axis-title`, `tick-x`, `tick-y`, `marker`, `legend`) inside one
// `<g class="panel">` per panel, so a test can rebuild the boxes from the SVG text.
import { epochTicks, niceTicks } from './ticks.js';

/** One line: points are (epoch, value); non-finite values are left out. */
export interface ChartSeries {
  name: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

export interface PanelSpec {
  /** Left edge of the panel in the SVG. */
  x0: number;
  width: number;
  /** Height of the plot area alone. */
  plotHeight: number;
  title: string;
  xLabel: string;
  /** Drawn horizontally above the y tick labels; omitted when empty. */
  yLabel?: string;
  /** The x axis runs over epochs 1..epochs. */
  epochs: number;
  series: readonly ChartSeries[];
}

export const FONT_SIZE = 12;
const TITLE_SIZE = 13;
const PAD = 8;
const MARKER_R = 3.5;
const LEGEND_ROW = 18;

/** Estimated advance of `text` at `size` px: sans-serif digits and letters average ~0.6 em. */
export function textWidth(text: string, size: number): number {
  return text.length * size * 0.62;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const f1 = (v: number): string => String(Math.round(v * 10) / 10);

function text(cls: string, x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text class="${cls}" x="${f1(x)}" y="${f1(y)}" font-size="${cls === 'title' ? TITLE_SIZE : FONT_SIZE}" text-anchor="${anchor}"${extra}>${esc(s)}</text>`;
}

/** Legend entries flowed left to right below the plot, wrapping at `maxWidth`; returns rows used. */
function legend(out: string[], series: readonly ChartSeries[], x: number, y: number, maxWidth: number): number {
  let cx = x, row = 0;
  for (const s of series) {
    const w = 22 + textWidth(s.name, FONT_SIZE);
    if (cx > x && cx + w > x + maxWidth) { cx = x; row++; }
    const cy = y + row * LEGEND_ROW;
    // the swatch's dot is a path, not a <circle>: <circle> is kept for data markers only
    out.push(`<line class="legend" x1="${f1(cx)}" y1="${f1(cy - 4)}" x2="${f1(cx + 16)}" y2="${f1(cy - 4)}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<path class="legend" d="M${f1(cx + 8 - MARKER_R)} ${f1(cy - 4)}a${MARKER_R} ${MARKER_R} 0 1 0 ${2 * MARKER_R} 0a${MARKER_R} ${MARKER_R} 0 1 0 ${-2 * MARKER_R} 0" fill="${s.color}"/>`);
    out.push(text('legend', cx + 22, cy, s.name, 'start'));
    cx += w + 16;
  }
  return row + 1;
}

/** The panel's SVG and its total height. */
export function linePanel(spec: PanelSpec): { svg: string; height: number } {
  const series = spec.series
    .map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])) }))
    .filter((s) => s.points.length > 0);
  const values = series.flatMap((s) => s.points.map((p) => p[1]));
  const yTicks = niceTicks(Math.min(...values), Math.max(...values), Math.min(6, Math.floor(spec.plotHeight / 26) + 1));
  const tickW = Math.max(...yTicks.labels.map((l) => textWidth(l, FONT_SIZE)));
  const epochs = Math.max(1, Math.floor(spec.epochs));
  const last = `${epochs}`;
  const left = spec.x0 + PAD + tickW + 8, right = spec.x0 + spec.width - PAD - textWidth(last, FONT_SIZE) / 2;
  const pw = right - left;
  const xTicks = epochTicks(epochs, Math.floor(pw / (textWidth(last, FONT_SIZE) + 12)));
  const yAxisTitle = spec.yLabel ?? '';
  const top = PAD + 22 + (yAxisTitle ? 18 : 0) + 8, bottom = top + spec.plotHeight;
  // x: a margin of 4 % (half an epoch for one epoch) so markers never sit on the frame
  const dx = epochs > 1 ? 0.04 * (epochs - 1) : 0.5;
  const sx = (e: number): number => left + ((e - (1 - dx)) / (epochs - 1 + 2 * dx)) * pw;
  const sy = (v: number): number => bottom - ((v - yTicks.lo) / (yTicks.hi - yTicks.lo)) * spec.plotHeight;
  const out: string[] = [text('title', spec.x0 + spec.width / 2, PAD + 14, spec.title, 'middle', ' font-weight="bold"')];
  if (yAxisTitle) out.push(text('axis-title', spec.x0 + PAD, PAD + 22 + 13, yAxisTitle, 'start'));
  yTicks.values.forEach((v, i) => {
    const y = sy(v);
    out.push(`<line x1="${f1(left)}" y1="${f1(y)}" x2="${f1(right)}" y2="${f1(y)}" stroke="#e6e6e6"/>`);
    out.push(`<line x1="${f1(left - 4)}" y1="${f1(y)}" x2="${f1(left)}" y2="${f1(y)}" stroke="#888"/>`);
    out.push(text('tick-y', left - 6, y + 4, yTicks.labels[i]!, 'end'));
  });
  xTicks.values.forEach((e, i) => {
    out.push(`<line x1="${f1(sx(e))}" y1="${f1(bottom)}" x2="${f1(sx(e))}" y2="${f1(bottom + 4)}" stroke="#888"/>`);
    out.push(text('tick-x', sx(e), bottom + 18, xTicks.labels[i]!, 'middle'));
  });
  out.push(`<rect x="${f1(left)}" y="${f1(top)}" width="${f1(pw)}" height="${spec.plotHeight}" fill="none" stroke="#888"/>`);
  out.push(text('axis-title', left + pw / 2, bottom + 36, spec.xLabel, 'middle'));
  for (const s of series) {
    const pts = s.points.map(([e, v]) => [sx(e), sy(v)] as const);
    // a one-point polyline draws nothing: the marker is what shows a one-epoch run
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([x, y]) => `${f1(x)},${f1(y)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(`<circle class="marker" cx="${f1(x)}" cy="${f1(y)}" r="${MARKER_R}" fill="${s.color}" stroke="white" stroke-width="1"/>`);
  }
  const rows = series.length > 0 ? legend(out, series, left, bottom + 60, spec.width - (left - spec.x0) - PAD) : 0;
  return { svg: ['<g class="panel">', ...out, '</g>'].join('\n'), height: bottom + 46 + rows * LEGEND_ROW + PAD };
}

/** A white-backed SVG document around panel fragments. */
export function svgDocument(width: number, height: number, body: readonly string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" font-family="sans-serif" font-size="${FONT_SIZE}">`,
    `<rect width="${Math.ceil(width)}" height="${Math.ceil(height)}" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
