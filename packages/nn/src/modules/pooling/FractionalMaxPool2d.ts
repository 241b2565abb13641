import { defaultGenerator, fail, type Tensor, type Generator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../../Module.js';
import { fractionalMaxPool2d, type FractionalMaxPool2dOptions } from '../../functional/pooling/fractionalMaxPool2d.js';
import { toTuple, type Size2 } from '../../functional/pooling/poolArgs.js';
import { reprSize } from './reprSize.js';

type Options = Omit<FractionalMaxPool2dOptions, 'returnIndices' | 'randomSamples'>;

/**
 * (N, C, H, W) -> (N, C, Ho, Wo): fractional max pooling with windows drawn from `generator` on
 * every call (a fresh draw per forward, as PyTorch); see `F.fractionalMaxPool2d`.
 */
export class FractionalMaxPool2d extends Module {
  static {
    declareForgetful(this);
  }

  readonly kernelSize: Size2;
  readonly outputSize: Size2 | null;
  readonly outputRatio: number | readonly [number, number] | null;
  private readonly generator: Generator;

  constructor(kernelSize: Size2, opts: Options = {}) {
    super();
    toTuple('FractionalMaxPool2d', 'kernelSize', kernelSize, 2, 1);
    this.kernelSize = kernelSize;
    this.outputSize = opts.outputSize ?? null;
    this.outputRatio = opts.outputRatio ?? null;
    if (this.outputSize === null && this.outputRatio === null) {
      fail('FractionalMaxPool2d', 'neither outputSize nor outputRatio is given; expected one of them');
    }
    this.generator = opts.generator ?? defaultGenerator;
  }

  private opts(): Omit<FractionalMaxPool2dOptions, 'returnIndices'> {
    return { outputSize: this.outputSize, outputRatio: this.outputRatio, generator: this.generator };
  }

  forward(x: Input): Variable {
    return fractionalMaxPool2d(x, this.kernelSize, this.opts());
  }

  /** (N, C, H, W) -> [(N, C, Ho, Wo), indices flat within each H*W plane]. */
  forwardWithIndices(x: Input): [Variable, Tensor] {
    return fractionalMaxPool2d(x, this.kernelSize, { ...this.opts(), returnIndices: true });
  }

  override extraRepr(): string {
    return `kernel_size=${reprSize(this.kernelSize)}, output_size=${reprSize(this.outputSize)}, output_ratio=${reprSize(this.outputRatio)}`;
  }
}
