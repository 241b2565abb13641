import { fail, formatShape, expectPositiveInt, expectNonNegativeInt, type Generator } from '@tapegrad/tensor';

/**
 * A batch-level transform: it sees `count` samples of `inShape` back to back in one Float32Array
 * and returns the transformed batch (the same array when it works in place), so nothing is
 * allocated per sample. Random transforms draw from the loader's generator.
 */
export interface Transform {
  readonly name: string;
  /** Shape of one output sample for an input sample of `inShape` (throws when unsupported). */
  outputShape(inShape: readonly number[]): number[];
  apply(batch: Float32Array, count: number, inShape: readonly number[], generator: Generator): Float32Array;
}

/** `shape` as (C, H, W), or an error naming `fn` (shared by the image transforms). */
export function expectImage(fn: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3) fail(fn, `sample shape ${formatShape(shape)} has rank ${shape.length}; expected (C, H, W)`);
  return [shape[0]!, shape[1]!, shape[2]!];
}

/**
 * (C, H, W) -> (C, H, W): `x' = (x - mean[c]) / std[c]`, in place. `mean`/`std` are one number for
 * every channel or one per channel.
 */
export function normalize(mean: number | readonly number[], std: number | readonly number[]): Transform {
  const means = typeof mean === 'number' ? [mean] : mean.slice();
  const stds = typeof std === 'number' ? [std] : std.slice();
  for (const s of stds) if (!(s > 0) || !Number.isFinite(s)) fail('normalize', `std ${s} must be a positive finite number`);
  for (const m of means) if (!Number.isFinite(m)) fail('normalize', `mean ${m} must be a finite number`);
  return {
    name: 'normalize',
    outputShape(inShape) {
      const [C] = expectImage('normalize', inShape);
      for (const [name, v] of [['mean', means], ['std', stds]] as const) {
        if (v.length !== 1 && v.length !== C) fail('normalize', `${name} has ${v.length} entries for ${C} channels; expected 1 or ${C}`);
      }
      return inShape.slice();
    },
    apply(batch, count, inShape) {
      const [C, H, W] = expectImage('normalize', inShape);
      const plane = H * W;
      for (let n = 0; n < count; n++) {
        for (let c = 0; c < C; c++) {
          const m = means.length === 1 ? means[0]! : means[c]!;
          const inv = 1 / (stds.length === 1 ? stds[0]! : stds[c]!);
          const base = (n * C + c) * plane;
          for (let i = base; i < base + plane; i++) batch[i] = (batch[i]! - m) * inv;
        }
      }
      return batch;
    },
  };
}

export interface RandomTranslateOptions {
  /** Value of the pixels shifted in (use the normalised background when the data is normalised). @default 0 */
  fill?: number;
}

/**
 * (C, H, W) -> (C, H, W): shifts each sample by (dy, dx), each drawn uniformly from the integers
 * in [-maxShift, maxShift], filling the uncovered border with `fill`.
 */
export function randomTranslate(maxShift: number, opts: RandomTranslateOptions = {}): Transform {
  const k = expectNonNegativeInt('randomTranslate', 'maxShift', maxShift);
  const fill = opts.fill ?? 0;
  if (!Number.isFinite(fill)) fail('randomTranslate', `fill ${fill} must be a finite number`);
  let scratch = new Float32Array(0);
  return {
    name: 'randomTranslate',
    outputShape(inShape) { expectImage('randomTranslate', inShape); return inShape.slice(); },
    apply(batch, count, inShape, g) {
      const [C, H, W] = expectImage('randomTranslate', inShape);
      if (k === 0) return batch;
      const plane = H * W;
      if (scratch.length < plane) scratch = new Float32Array(plane);
      for (let n = 0; n < count; n++) {
        const dy = g.randint(2 * k + 1) - k;
        const dx = g.randint(2 * k + 1) - k;
        if (dy === 0 && dx === 0) continue;
        for (let c = 0; c < C; c++) {
          const base = (n * C + c) * plane;
          scratch.set(batch.subarray(base, base + plane));
          // out[h, w] = in[h - dy, w - dx] where inside, else fill
          for (let h = 0; h < H; h++) {
            const sh = h - dy;
            const row = base + h * W;
            if (sh < 0 || sh >= H) { batch.fill(fill, row, row + W); continue; }
            for (let w = 0; w < W; w++) {
              const sw = w - dx;
              batch[row + w] = sw >= 0 && sw < W ? scratch[sh * W + sw]! : fill;
            }
          }
        }
      }
      return batch;
    },
  };
}

export interface PadCropOptions {
  /** Value of added pixels. @default 0 */
  fill?: number;
}

/**
 * (C, H, W) -> (C, Ho, Wo): centres each sample in an `Ho x Wo` frame, padding with `fill` where
 * the frame is larger and cropping where it is smaller (per dimension). The offset is
 * floor(|H - Ho| / 2) on the top (left) side.
 */
export function padCrop(size: number | readonly [number, number], opts: PadCropOptions = {}): Transform {
  const [Ho, Wo] = typeof size === 'number' ? [size, size] : size;
  expectPositiveInt('padCrop', 'height', Ho);
  expectPositiveInt('padCrop', 'width', Wo);
  const fill = opts.fill ?? 0;
  if (!Number.isFinite(fill)) fail('padCrop', `fill ${fill} must be a finite number`);
  return {
    name: 'padCrop',
    outputShape(inShape) { const [C] = expectImage('padCrop', inShape); return [C, Ho, Wo]; },
    apply(batch, count, inShape) {
      const [C, H, W] = expectImage('padCrop', inShape);
      if (H === Ho && W === Wo) return batch;
      const out = new Float32Array(count * C * Ho * Wo);
      if (fill !== 0) out.fill(fill);
      // output row oh reads input row oh + dh (dh < 0 pads, dh > 0 crops); same for columns
      const dh = Ho >= H ? -Math.floor((Ho - H) / 2) : Math.floor((H - Ho) / 2);
      const dw = Wo >= W ? -Math.floor((Wo - W) / 2) : Math.floor((W - Wo) / 2);
      const ow0 = Math.max(0, -dw), ow1 = Math.min(Wo, W - dw);
      for (let p = 0; p < count * C; p++) {
        const src = p * H * W, dst = p * Ho * Wo;
        for (let oh = Math.max(0, -dh); oh < Math.min(Ho, H - dh); oh++) {
          const s = src + (oh + dh) * W + dw;
          out.set(batch.subarray(s + ow0, s + ow1), dst + oh * Wo + ow0);
        }
      }
      return out;
    },
  };
}
