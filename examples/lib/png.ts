// Image tiles as PNG (pngjs): grayscale digits and heatmaps blended over them.
import { PNG } from 'pngjs';

/** A colour map from 0 (blue) through green and yellow to 1 (red), "jet"-like. */
export function heatColor(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v));
  const r = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 3)));
  const g = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 2)));
  const b = Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - 1)));
  return [255 * r, 255 * g, 255 * b];
}

export class TileGrid {
  readonly png: PNG;

  constructor(readonly cols: number, readonly rows: number, readonly tile: number, readonly gap = 4) {
    this.png = new PNG({ width: cols * (tile + gap) + gap, height: rows * (tile + gap) + gap });
    this.png.data.fill(255);
  }

  /**
   * Draws a `size x size` image (values in [0, 1]) scaled to the tile at (col, row). With `heat`
   * (same size, values in [0, 1]) the heat colour is blended over the grayscale at `alpha`.
   */
  draw(col: number, row: number, gray: Float32Array, size: number, heat?: Float32Array, alpha = 0.5): void {
    const x0 = this.gap + col * (this.tile + this.gap), y0 = this.gap + row * (this.tile + this.gap);
    for (let y = 0; y < this.tile; y++) {
      for (let x = 0; x < this.tile; x++) {
        const i = Math.floor((y * size) / this.tile) * size + Math.floor((x * size) / this.tile);
        const v = 255 * Math.min(1, Math.max(0, gray[i]!));
        let r = v, g = v, b = v;
        if (heat) {
          const [hr, hg, hb] = heatColor(heat[i]!);
          r = (1 - alpha) * v + alpha * hr;
          g = (1 - alpha) * v + alpha * hg;
          b = (1 - alpha) * v + alpha * hb;
        }
        const p = 4 * ((y0 + y) * this.png.width + x0 + x);
        this.png.data[p] = r;
        this.png.data[p + 1] = g;
        this.png.data[p + 2] = b;
        this.png.data[p + 3] = 255;
      }
    }
  }

  toBuffer(): Buffer {
    return PNG.sync.write(this.png);
  }
}
