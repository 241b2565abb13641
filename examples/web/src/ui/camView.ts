// The class activation map drawn over the drawing (mapped back through the preprocessing) and over
// the 28 x 28 input preview.
import { heatRgb } from '../camMath.js';
import type { GreyImage, Preprocessed } from '../drawingPreprocess.js';

function context(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = c.getContext('2d');
  if (ctx === null) throw new Error('camView: no 2d canvas context');
  return ctx;
}

/** A size x size map in [0, 1] as an RGBA tile: heat colours, transparent where cold, opaque where hot. */
function heatTile(map: Float32Array, size: number): HTMLCanvasElement {
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const img = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const t = map[i]!;
    const [r, g, b] = heatRgb(t);
    img.data.set([r, g, b, Math.round(255 * 0.8 * t * t)], 4 * i);
  }
  context(tile).putImageData(img, 0, 0);
  return tile;
}

/** The map (in the 28 x 28 input's coordinates) over the pad, through the inverse of the preprocessing. */
export function drawCamOverlay(overlay: HTMLCanvasElement, prep: Preprocessed | null, map: Float32Array | null, size: number): void {
  const ctx = context(overlay);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, overlay.width, overlay.height);
  if (prep === null || map === null) return;
  ctx.setTransform(1 / prep.scaleX, 0, 0, 1 / prep.scaleY, prep.box.x - prep.shiftX / prep.scaleX, prep.box.y - prep.shiftY / prep.scaleY);
  ctx.imageSmoothingEnabled = true; // bilinear, as cam.ts upsamples
  ctx.drawImage(heatTile(map, size), 0, 0);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The network's input (grey) with the map blended over it, one canvas pixel per input pixel. */
export function drawInputPreview(canvas: HTMLCanvasElement, input: GreyImage | null, map: Float32Array | null): void {
  const ctx = context(canvas);
  const n = canvas.width * canvas.height;
  const img = new ImageData(canvas.width, canvas.height);
  for (let i = 0; i < n; i++) {
    const g = 255 * (input?.data[i] ?? 0);
    const t = map?.[i];
    const [r, gr, b] = t === undefined ? [g, g, g] : heatRgb(t).map((h) => 0.55 * g + 0.45 * h);
    img.data.set([r ?? g, gr ?? g, b ?? g, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
}
