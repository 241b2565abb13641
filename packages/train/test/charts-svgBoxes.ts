// Boxes of what a chart SVG draws, rebuilt from the SVG text alone (absolute coordinates, classes
// set by loop/chart.ts), and the checks the chart tests share: markers, 1-2-5 ticks, no overlaps.
import { expect } from 'vitest';
import { textWidth } from '../src/loop/chart.js';

export interface Box { cls: string; text: string; x0: number; y0: number; x1: number; y1: number }

const attr = (tag: string, name: string): string => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (!m) throw new Error(`no ${name} in ${tag}`);
  return m[1]!;
};
const num = (tag: string, name: string): number => Number(attr(tag, name));
const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function textBoxes(svg: string): Box[] {
  return [...svg.matchAll(/<text class="([^"]+)"([^>]*)>([^<]*)<\/text>/g)].map(([, cls, tag, raw]) => {
    const text = unescape(raw!), size = num(tag!, 'font-size'), x = num(tag!, 'x'), y = num(tag!, 'y');
    const w = textWidth(text, size), anchor = attr(tag!, 'text-anchor');
    const x0 = anchor === 'start' ? x : anchor === 'middle' ? x - w / 2 : x - w;
    return { cls: cls!, text, x0, x1: x0 + w, y0: y - 0.8 * size, y1: y + 0.25 * size };
  });
}

function shapeBoxes(svg: string): Box[] {
  const out: Box[] = [];
  for (const [tag] of svg.matchAll(/<circle class="marker"[^>]*>/g)) {
    const cx = num(tag, 'cx'), cy = num(tag, 'cy'), r = num(tag, 'r');
    out.push({ cls: 'marker', text: '', x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r });
  }
  for (const [tag] of svg.matchAll(/<line class="legend"[^>]*>/g)) {
    const x1 = num(tag, 'x1'), x2 = num(tag, 'x2'), y = num(tag, 'y1');
    out.push({ cls: 'legend', text: '', x0: x1, y0: y - 4, x1: x2, y1: y + 4 });
  }
  return out;
}

export function svgBoxes(svg: string): Box[] {
  return [...textBoxes(svg), ...shapeBoxes(svg)];
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
const show = (b: Box): string => `${b.cls} "${b.text}" [${b.x0.toFixed(1)}, ${b.y0.toFixed(1)}, ${b.x1.toFixed(1)}, ${b.y1.toFixed(1)}]`;

/** Pairs of (legend, title or axis-title) x (marker or tick label) boxes that intersect; also tick labels with each other. */
export function overlapsIn(boxes: readonly Box[]): string[] {
  const labels = boxes.filter((b) => ['legend', 'title', 'axis-title'].includes(b.cls));
  const data = boxes.filter((b) => b.cls === 'marker' || b.cls.startsWith('tick-'));
  const ticks = boxes.filter((b) => b.cls.startsWith('tick-'));
  const bad: string[] = [];
  for (const a of labels) for (const b of data) if (overlaps(a, b)) bad.push(`${show(a)} x ${show(b)}`);
  for (const a of labels) for (const b of labels) if (a !== b && a.cls !== b.cls && overlaps(a, b)) bad.push(`${show(a)} x ${show(b)}`);
  ticks.forEach((a, i) => ticks.slice(i + 1).forEach((b) => { if (overlaps(a, b)) bad.push(`${show(a)} x ${show(b)}`); }));
  return bad;
}

/** Tick labels are distinct, evenly spaced by 1, 2 or 5 x 10^k, with exactly the decimals that step needs. */
export function expectNiceLabels(labels: readonly string[]): void {
  expect(new Set(labels).size).toBe(labels.length);
  if (labels.length < 2) return;
  const values = labels.map(Number);
  const step = values[1]! - values[0]!;
  const k = Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 5]).toContain(Math.round(step / 10 ** k));
  for (let i = 1; i < values.length; i++) expect(values[i]! - values[i - 1]!).toBeCloseTo(step, 9);
  for (const l of labels) expect(l.split('.')[1]?.length ?? 0).toBe(Math.max(0, -k));
}

/** The checks of item 12 on one chart SVG: `points` markers, nice distinct ticks, no overlaps, all inside the SVG. */
export function expectReadableChart(svg: string, points: number): Box[] {
  const boxes = svgBoxes(svg);
  expect(boxes.filter((b) => b.cls === 'marker')).toHaveLength(points);
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]), height = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)![1]);
  for (const b of boxes) expect(b.x0 >= 0 && b.y0 >= 0 && b.x1 <= width && b.y1 <= height, show(b)).toBe(true);
  expect(overlapsIn(boxes)).toEqual([]);
  return boxes;
}

/** The tick labels of each panel (`<g class="panel">`) on one axis, in drawing order. */
export function panelTicks(svg: string, axis: 'x' | 'y'): string[][] {
  return svg.split('<g class="panel">').slice(1).map((part) => textBoxes(part).filter((b) => b.cls === `tick-${axis}`).map((b) => b.text));
}
