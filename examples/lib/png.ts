// A small RGBA canvas written as PNG (pngjs): grayscale digits with heatmaps blended over them,
// filled rectangles and bitmap text (font5x7.ts).
import { PNG } from 'pngjs';
import { rasterize } from './font5x7.js';

export type Rgb = readonly [number, number, number];

/** A colour map from 0 (blue) through green and yellow to 1 (red), "jet"-like. */
export function heatColor(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const r = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 3)));
  const g = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 2)));
  const b = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 1)));
  return [255 * r, 255 * g, 255 * b];
}

/** A gray level v in [0, 1] with heat h in [0, 1] blended over it at `alpha`, as a map tile shows it. */
export function blendHeat(v: number, h: number, alpha: number): Rgb {
  const g = 255 * Math.min(1, Math.max(0, v));
  const [hr, hg, hb] = heatColor(h);
  return [(1 - alpha) * g + alpha * hr, (1 - alpha) * g + alpha * hg, (1 - alpha) * g + alpha * hb];
}

export class Canvas {
  readonly png: PNG;

  constructor(width: number, height: number) {
    this.png = new PNG({ width: Math.ceil(width), height: Math.ceil(height) });
    this.png.data.fill(255);
  }

  setPixel(x: number, y: number, [r, g, b]: Rgb): void {
    if (x < 0 || y < 0 || x >= this.png.width || y >= this.png.height) return;
    const p = 4 * (y * this.png.width + x);
    this.png.data[p] = r;
    this.png.data[p + 1] = g;
    this.png.data[p + 2] = b;
    this.png.data[p + 3] = 255;
  }

  fillRect(x0: number, y0: number, w: number, h: number, rgb: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.setPixel(x, y, rgb);
  }

  /**
   * A `size x size` image (values in [0, 1]) scaled to `tile x tile` at (x0, y0). With `heat`
   * (same size, values in [0, 1]) the heat colour is blended over the grayscale at `alpha`.
   */
  image(x0: number, y0: number, tile: number, gray: Float32Array, size: number, heat?: Float32Array, alpha = 0.5): void {
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        const i = Math.floor((y * size) / tile) * size + Math.floor((x * size) / tile);
        const v = Math.min(1, Math.max(0, gray[i]!));
        this.setPixel(x0 + x, y0 + y, heat ? blendHeat(v, heat[i]!, alpha) : [255 * v, 255 * v, 255 * v]);
      }
    }
  }

  /** Bitmap text with its top-left corner at (x, y), each font pixel `scale` x `scale`. */
  text(x: number, y: number, s: string, scale: number, rgb: Rgb = [0, 0, 0]): void {
    rasterize(s, x, y, scale, (px, py) => this.setPixel(px, py, rgb));
  }

  toBuffer(): Buffer {
    return PNG.sync.write(this.png);
  }
}
