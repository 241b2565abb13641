// The drawing pad's MNIST-style preprocessing: hand-checked small cases, then invariants on random strokes.
import { describe, expect, it } from 'vitest';
import {
  boundingBox, centreOfMass, crop, fitLongerSide, greyImage, inputToDrawing, placeByCentreOfMass, preprocessDrawing, resizeArea,
  type GreyImage,
} from './src/drawingPreprocess.js';

function image(rows: readonly string[]): GreyImage {
  // '#' = 1, '+' = 0.5, '.' = 0
  const h = rows.length, w = rows[0]!.length;
  return greyImage(w, h, Float32Array.from(rows.join(''), (c) => (c === '#' ? 1 : c === '+' ? 0.5 : 0)));
}

function sum(img: GreyImage): number {
  return img.data.reduce((a, b) => a + b, 0);
}

/** A seeded stream of numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A random pen path of round strokes `radius` wide on a size x size pad, like a hand-drawn digit. */
function scribble(seed: number, size = 280, radius = 10): GreyImage {
  const r = rng(seed), img = greyImage(size, size);
  let x = size * (0.3 + 0.4 * r()), y = size * (0.3 + 0.4 * r()), a = 2 * Math.PI * r();
  const steps = 30 + Math.floor(60 * r());
  for (let s = 0; s < steps; s++) {
    a += (r() - 0.5) * 1.2;
    x = Math.min(size * 0.85, Math.max(size * 0.15, x + 6 * Math.cos(a)));
    y = Math.min(size * 0.85, Math.max(size * 0.15, y + 6 * Math.sin(a)));
    for (let yy = Math.floor(y - radius); yy <= y + radius; yy++) {
      for (let xx = Math.floor(x - radius); xx <= x + radius; xx++) {
        if ((xx - x) ** 2 + (yy - y) ** 2 <= radius * radius) img.data[yy * size + xx] = 1;
      }
    }
  }
  return img;
}

describe('drawing preprocessing: hand-checked cases', () => {
  it('boundingBox: the extreme ink pixels, null when blank, a threshold ignores faint ink', () => {
    const img = image(['.....', '.....', '.#...', '...+.', '.....']);
    expect(boundingBox(img)).toEqual({ x: 1, y: 2, width: 3, height: 2 });
    expect(boundingBox(img, 0.6)).toEqual({ x: 1, y: 2, width: 1, height: 1 });
    expect(boundingBox(image(['...', '...']))).toBeNull();
  });

  it('crop copies the box', () => {
    const img = image(['.....', '..#+.', '..+#.']);
    expect(Array.from(crop(img, { x: 2, y: 1, width: 2, height: 2 }).data)).toEqual([1, 0.5, 0.5, 1]);
  });

  it('fitLongerSide: the longer side becomes 20, the other rounded, at least 1', () => {
    expect(fitLongerSide(100, 50)).toEqual({ width: 20, height: 10 });
    expect(fitLongerSide(50, 200)).toEqual({ width: 5, height: 20 });
    expect(fitLongerSide(7, 200)).toEqual({ width: 1, height: 20 }); // 0.7 -> 1
    expect(fitLongerSide(3, 500)).toEqual({ width: 1, height: 20 }); // 0.12 -> at least 1
    expect(fitLongerSide(13, 13)).toEqual({ width: 20, height: 20 });
    expect(fitLongerSide(30, 40)).toEqual({ width: 15, height: 20 });
  });

  it('resizeArea: 4x4 -> 2x2 averages 2x2 blocks', () => {
    const img = greyImage(4, 4, Float32Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]));
    expect(Array.from(resizeArea(img, 2, 2).data)).toEqual([1, 0, 0, 0.25]);
  });

  it('resizeArea: 3 -> 2 weighs the middle pixel half into each output pixel', () => {
    // out[0] covers [0, 1.5): (1 * 1 + 0.5 * 0) / 1.5; out[1] covers [1.5, 3): (0.5 * 0 + 1 * 1) / 1.5
    const out = resizeArea(greyImage(3, 1, Float32Array.from([1, 0, 1])), 2, 1);
    expect(out.data[0]).toBeCloseTo(2 / 3, 6);
    expect(out.data[1]).toBeCloseTo(2 / 3, 6);
    const up = resizeArea(greyImage(2, 1, Float32Array.from([1, 0])), 4, 1);
    expect(Array.from(up.data)).toEqual([1, 1, 0, 0]);
  });

  it('resizeArea keeps the mean', () => {
    const img = scribble(7, 90);
    const out = resizeArea(img, 20, 13);
    expect(sum(out) / (20 * 13)).toBeCloseTo(sum(img) / (90 * 90), 5);
  });

  it('centreOfMass: pixel-index coordinates, mass-weighted', () => {
    expect(centreOfMass(image(['....', '...#', '....']))).toEqual({ x: 3, y: 1 });
    // masses 1 at x = 0 and 0.5 at x = 3: (0 + 1.5) / 1.5 = 1
    expect(centreOfMass(image(['#..+']))).toEqual({ x: 1, y: 0 });
    expect(centreOfMass(image(['..']))).toBeNull();
  });

  it('placeByCentreOfMass: a 20 x 8 bar lands with its centre of mass within half a pixel of (14, 14)', () => {
    const bar = greyImage(20, 8, new Float32Array(160).fill(1));
    const { image: out, dx, dy, clamped } = placeByCentreOfMass(bar);
    // centre of mass of the bar: (9.5, 3.5); offsets round(14 - 9.5) = 5 and round(14 - 3.5) = 11
    expect({ dx, dy, clamped }).toEqual({ dx: 5, dy: 11, clamped: false });
    expect(boundingBox(out)).toEqual({ x: 5, y: 11, width: 20, height: 8 });
    expect(centreOfMass(out)).toEqual({ x: 14.5, y: 14.5 });
  });

  it('placeByCentreOfMass: a lopsided image is shifted only as far as the field allows', () => {
    // an L, 20 x 20: 19 pixels down column 0 and 20 along the bottom row; centre of mass
    // (190 / 39, 551 / 39) = (4.87, 14.13). x would need round(14 - 4.87) = 9, but a 20-wide box
    // fits at most at 8; y needs round(14 - 14.13) = 0.
    const L = image(Array.from({ length: 20 }, (_, y) => (y === 19 ? '#'.repeat(20) : `#${'.'.repeat(19)}`)));
    const { image: out, dx, dy, clamped } = placeByCentreOfMass(L);
    expect({ dx, dy, clamped }).toEqual({ dx: 8, dy: 0, clamped: true });
    expect(boundingBox(out)).toEqual({ x: 8, y: 0, width: 20, height: 20 });
    const com = centreOfMass(out)!;
    expect(com.x).toBeCloseTo(8 + 190 / 39, 5);
    expect(com.y).toBeCloseTo(551 / 39, 5);
  });

  it('preprocessDrawing: a 100 x 40 rectangle becomes a 20 x 8 bar centred by mass, and maps back', () => {
    const pad = greyImage(280, 280);
    for (let y = 50; y < 90; y++) pad.data.fill(1, y * 280 + 30, y * 280 + 130);
    const p = preprocessDrawing(pad)!;
    expect(p.box).toEqual({ x: 30, y: 50, width: 100, height: 40 });
    expect([p.scaleX, p.scaleY, p.shiftX, p.shiftY]).toEqual([0.2, 0.2, 5, 11]);
    expect(boundingBox(p.image)).toEqual({ x: 5, y: 11, width: 20, height: 8 });
    expect(Array.from(p.image.data).filter((v) => v > 0).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    expect(inputToDrawing(p, 5, 11)).toEqual({ x: 30, y: 50 });
    expect(inputToDrawing(p, 25, 19)).toEqual({ x: 130, y: 90 });
    expect(preprocessDrawing(greyImage(10, 10))).toBeNull();
  });

  it('preprocessDrawing: a thin vertical stroke (a "1") keeps its aspect ratio: 20 tall, 2 wide', () => {
    const pad = greyImage(280, 280);
    for (let y = 40; y < 240; y++) pad.data.fill(1, y * 280 + 130, y * 280 + 151);
    const p = preprocessDrawing(pad)!;
    // 21 x 200 -> 2 x 20, centre of mass (0.5, 9.5) -> offsets round(13.5) = 14, round(4.5) = 5
    expect(boundingBox(p.image)).toEqual({ x: 14, y: 5, width: 2, height: 20 });
  });
});

describe('drawing preprocessing: invariants on random strokes', () => {
  const cases = Array.from({ length: 40 }, (_, i) => i + 1);
  it.each(cases)('scribble %i: 28 x 28, longer side 20, centre of mass within 0.5 px of (14, 14), mass kept', (seed) => {
    const pad = scribble(seed);
    const p = preprocessDrawing(pad)!;
    expect([p.image.width, p.image.height, p.image.data.length]).toEqual([28, 28, 784]);
    const b = boundingBox(p.image)!;
    expect(Math.max(b.width, b.height)).toBe(20);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(28);
    expect(b.y + b.height).toBeLessThanOrEqual(28);
    const com = centreOfMass(p.image)!;
    if (!p.clamped) {
      expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    }
    // the ink's mass scales with the area
    expect(sum(p.image)).toBeCloseTo(sum(crop(pad, p.box)) * p.scaleX * p.scaleY, 2);
    expect(p.image.data.every((v) => v >= 0 && v <= 1 + 1e-6)).toBe(true);
    // the box's corners map back onto the drawing's box
    const a = inputToDrawing(p, b.x, b.y), c = inputToDrawing(p, b.x + b.width, b.y + b.height);
    expect(a.x).toBeCloseTo(p.box.x, 6);
    expect(a.y).toBeCloseTo(p.box.y, 6);
    expect(c.x).toBeCloseTo(p.box.x + p.box.width, 6);
    expect(c.y).toBeCloseTo(p.box.y + p.box.height, 6);
  });

  it('random scribbles are rarely clamped', () => {
    const clamped = cases.filter((s) => preprocessDrawing(scribble(s))!.clamped).length;
    expect(clamped).toBeLessThanOrEqual(2);
  });
});
