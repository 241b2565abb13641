import { fail, type ResampleMode } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { interpolate, type InterpolateOptions } from '../functional/interpolate.js';

/**
 * (N, C, H, W) -> (N, C, Ho, Wo) (or (N, C, L) -> (N, C, Lo) for 'nearest'): `F.interpolate`
 * with fixed options; give `size` or `scaleFactor`.
 */
export class Upsample extends Module {
  static {
    declareForgetful(this);
  }

  readonly options: Readonly<InterpolateOptions>;

  constructor(opts: InterpolateOptions) {
    super();
    if ((opts.size === undefined) === (opts.scaleFactor === undefined)) {
      fail('Upsample', `size ${String(opts.size)} and scaleFactor ${String(opts.scaleFactor)} are both ${opts.size === undefined ? 'missing' : 'given'}; expected exactly one of them`);
    }
    this.options = { ...opts };
  }

  get mode(): ResampleMode {
    return this.options.mode ?? 'nearest';
  }

  forward(x: Input): Variable {
    return interpolate(x, this.options);
  }

  override extraRepr(): string {
    const o = this.options;
    const what = o.size !== undefined ? `size=${String(o.size)}` : `scale_factor=${String(o.scaleFactor)}`;
    return `${what}, mode='${this.mode}'${o.alignCorners ? ', align_corners=True' : ''}`;
  }
}
