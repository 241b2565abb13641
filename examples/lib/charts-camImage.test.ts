// cam.png's layout, read back from the pixels: three tile columns per group with a header above
// each, the true and predicted labels left of each row (red when wrong), and a colour scale with
// ink at both end values.
import { describe, it, expect } from 'vitest';
import { PNG } from 'pngjs';
import { camImage, type CamPick } from './camImage.js';
import { blendHeat } from './png.js';
import { glyph, rasterize, textWidthPx } from './font5x7.js';

/** A black digit (so the input tile is all black) with maps rising left to right. */
function pick(label: number, pred: number): CamPick {
  const ramp = new Float32Array(28 * 28).map((_, i) => (i % 28) / 27);
  return { image: new Float32Array(28 * 28), label, pred, predMap: ramp, trueMap: ramp.map((v) => 1 - v) };
}

const rgbAt = (png: PNG, x: number, y: number): [number, number, number] => {
  const p = 4 * (y * png.width + x);
  return [png.data[p]!, png.data[p + 1]!, png.data[p + 2]!];
};
const isWhite = (c: readonly number[]): boolean => c.every((v) => v === 255);

/** [start, end) of the runs of non-white pixels along row y. */
function runs(png: PNG, y: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = 0; x < png.width; x++) {
    if (isWhite(rgbAt(png, x, y))) continue;
    const s = x;
    while (x < png.width && !isWhite(rgbAt(png, x, y))) x++;
    out.push([s, x]);
  }
  return out;
}

function count(png: PNG, x0: number, y0: number, x1: number, y1: number, test: (c: [number, number, number]) => boolean): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(rgbAt(png, x, y))) n++;
  return n;
}

describe('cam.png (item 12)', () => {
  const png = PNG.sync.read(camImage([{ title: 'correct', picks: [pick(3, 3), pick(7, 7)] }, { title: 'wrong', picks: [pick(4, 9)] }]));
  const top = [...Array(png.height).keys()].find((y) => runs(png, y).some(([s, e]) => e - s >= 100))!;
  const row = runs(png, top + 1);
  const tiles = row.filter(([s, e]) => e - s === 112);
  const bar = row.find(([s, e]) => s > tiles[5]![1] && e - s === 22)!; // 20 px of colour in a 1 px border

  it('three tiles per row and group, then the colour bar', () => {
    expect(tiles).toHaveLength(6);
    expect(bar).toBeDefined();
  });

  it('a header above every column', () => {
    for (const [s, e] of tiles) expect(count(png, s, 0, e, top, (c) => c.every((v) => v === 0))).toBeGreaterThan(20);
  });

  it('labels left of each row: black for correct, red predicted label for the wrong one', () => {
    const black = (c: number[]): boolean => c.every((v) => v === 0), red = (c: number[]): boolean => c[0] === 200 && c[1] === 0;
    expect(count(png, 0, top, tiles[0]![0], top + 2 * 116, black)).toBeGreaterThan(100);
    expect(count(png, 0, top, tiles[0]![0], png.height, red)).toBe(0);
    expect(count(png, tiles[2]![1], top, tiles[3]![0], top + 112, red)).toBeGreaterThan(20);
    expect(count(png, tiles[2]![1], top + 116, tiles[3]![0], png.height, red)).toBe(0); // the wrong group has one row
  });

  it('the colour scale runs from the map maximum (top) to the minimum (bottom), with both end values written', () => {
    const cx = (bar[0] + bar[1]) >> 1, h = 2 * 116 - 4;
    const near = (a: readonly number[], b: readonly number[]): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= 1);
    expect(near(rgbAt(png, cx, top), blendHeat(0, 1, 0.5))).toBe(true);
    expect(near(rgbAt(png, cx, top + h - 1), blendHeat(0, 0, 0.5))).toBe(true);
    const ink = (y0: number, y1: number): number => count(png, bar[1], y0, png.width, y1, (c) => c.every((v) => v === 0));
    expect(ink(top, top + 20)).toBeGreaterThan(20);
    expect(ink(top + h - 20, top + h)).toBeGreaterThan(20);
  });
});

describe('font5x7', () => {
  it('glyphs are 5 wide, 7 rows (9 with descenders); text width and ink fit the cells', () => {
    for (const ch of ' -0123456789acdegilmnoprstuwx') {
      const g = glyph(ch);
      expect([7, 9]).toContain(g.length);
      for (const r of g) expect(r).toMatch(/^[#.]{5}$/);
    }
    let maxX = -1;
    rasterize('max 10', 0, 0, 2, (x) => { maxX = Math.max(maxX, x); });
    expect(maxX).toBeLessThan(textWidthPx('max 10', 2));
  });

  it('a character outside the table is an error that names it', () => {
    expect(() => glyph('Q')).toThrow('font5x7: character "Q" is not in the glyph table');
  });
});

describe('cam.png with class names (Fashion-MNIST)', () => {
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

  it('every character of the names has a glyph', () => {
    for (const n of names) for (const ch of n) expect(() => glyph(ch), `${n}: ${ch}`).not.toThrow();
  });

  it('the label column widens to the longest label, and the labels are drawn', () => {
    const groups = [{ title: 'correct', picks: [pick(0, 0)] }, { title: 'wrong', picks: [pick(9, 5)] }];
    const digits = PNG.sync.read(camImage(groups));
    const named = PNG.sync.read(camImage(groups, names));
    // two label columns grow from 'pred 0' to 'true T-shirt/top' (10 more characters of 6 px, at scale 2)
    expect(named.width - digits.width).toBe(2 * (textWidthPx('true T-shirt/top', 2) - textWidthPx('pred 0', 2)));
    expect(named.height).toBe(digits.height);
  });
});
