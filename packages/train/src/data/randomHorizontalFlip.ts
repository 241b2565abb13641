import { fail } from '@tapegrad/tensor';
import { expectImage, type Transform } from './transforms.js';

export interface RandomHorizontalFlipOptions {
  /** Probability of flipping a sample. @default 0.5 */
  p?: number;
}

/**
 * (C, H, W) -> (C, H, W): mirrors each sample left to right with probability `p`, in place
 * (torchvision's RandomHorizontalFlip). One draw per sample from the loader's generator, flipped
 * when `random() < p`, every channel alike.
 */
export function randomHorizontalFlip(opts: RandomHorizontalFlipOptions = {}): Transform {
  const p = opts.p ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) fail('randomHorizontalFlip', `p ${String(p)} is out of range; expected a probability in [0, 1]`);
  return {
    name: 'randomHorizontalFlip',
    outputShape(inShape) { expectImage('randomHorizontalFlip', inShape); return inShape.slice(); },
    apply(batch, count, inShape, g) {
      const [C, H, W] = expectImage('randomHorizontalFlip', inShape);
      for (let n = 0; n < count; n++) {
        if (!(g.random() < p)) continue;
        // row r = n*C*H + c*H + h holds elements [r*W, r*W + W): swap w with W-1-w
        for (let r = n * C * H; r < (n + 1) * C * H; r++) {
          for (let lo = r * W, hi = lo + W - 1; lo < hi; lo++, hi--) {
            const t = batch[lo]!;
            batch[lo] = batch[hi]!;
            batch[hi] = t;
          }
        }
      }
      return batch;
    },
  };
}
