import { expectPositiveInt, fail } from '@tapegrad/tensor';
import { expectImage, type Transform } from './transforms.js';

export interface RandomCropOptions {
  /** Value of the padding pixels (use the normalised background when the data is normalised). @default 0 */
  fill?: number;
}

/** `v` clamped to [0, hi]. */
const clamp = (v: number, hi: number): number => Math.min(hi, Math.max(0, v));

/**
 * Moves `plane` (H x W, starting at `base`) so that out[h, w] = in[h + dy, w + dx], `fill` where
 * that lies outside, in place: one overlapping copy (memmove) of the flat plane by dy*W + dx, then
 * the border rows and columns, where the copy brought wrapped-around or stale values, are filled.
 */
function shiftPlane(batch: Float32Array, base: number, H: number, W: number, dy: number, dx: number, fill: number): void {
  const s = dy * W + dx, end = base + H * W;
  if (s > 0) batch.copyWithin(base, base + s, end);
  else if (s < 0) batch.copyWithin(base - s, base, end + s);
  // valid rows: 0 <= h + dy < H; valid columns: 0 <= w + dx < W (clamped, for padding past the size)
  const rowsFrom = clamp(-dy, H), rowsTo = Math.max(rowsFrom, clamp(H - dy, H));
  const colsFrom = clamp(-dx, W), colsTo = Math.max(colsFrom, clamp(W - dx, W));
  batch.fill(fill, base, base + rowsFrom * W);
  batch.fill(fill, base + rowsTo * W, end);
  if (colsFrom === 0 && colsTo === W) return;
  for (let h = rowsFrom; h < rowsTo; h++) {
    const row = base + h * W;
    batch.fill(fill, row, row + colsFrom);
    batch.fill(fill, row + colsTo, row + W);
  }
}

/**
 * (C, H, W) -> (C, H, W): pads each sample by `padding` pixels of `fill` on every side and crops
 * an H x W window at a random offset, in place (torchvision's `RandomCrop(size=(H, W), padding)`).
 * Per sample the top offset i, then the left offset j, are drawn uniformly from 0..2*padding
 * (`randint(2 * padding + 1)`), so out[h, w] = in[h + i - padding, w + j - padding]; every channel
 * alike.
 *
 * NOTE: torchvision's RandomCrop also takes an output size; this one always keeps the input's.
 */
export function randomCrop(padding: number, opts: RandomCropOptions = {}): Transform {
  const pad = expectPositiveInt('randomCrop', 'padding', padding);
  const fill = opts.fill ?? 0;
  if (typeof fill !== 'number' || !Number.isFinite(fill)) fail('randomCrop', `fill ${String(fill)} must be a finite number`);
  return {
    name: 'randomCrop',
    outputShape(inShape) { expectImage('randomCrop', inShape); return inShape.slice(); },
    apply(batch, count, inShape, g) {
      const [C, H, W] = expectImage('randomCrop', inShape);
      const plane = H * W;
      for (let n = 0; n < count; n++) {
        const dy = g.randint(2 * pad + 1) - pad;
        const dx = g.randint(2 * pad + 1) - pad;
        if (dy === 0 && dx === 0) continue;
        for (let c = 0; c < C; c++) shiftPlane(batch, (n * C + c) * plane, H, W, dy, dx, fill);
      }
      return batch;
    },
  };
}
