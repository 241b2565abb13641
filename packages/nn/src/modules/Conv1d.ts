import { defaultGenerator } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import type { Parameter } from '../Parameter.js';
import { conv1d, type Conv1dOptions } from '../functional/conv1d.js';
import { resolveConvLayer, initConvParameters, convRepr, type Conv2dModuleOptions } from './Conv2d.js';

export interface Conv1dModuleOptions extends Conv1dOptions {
  /** @default true */
  bias?: boolean;
  /** Source of the initial weights. @default the global generator */
  generator?: Conv2dModuleOptions['generator'];
}

/**
 * (N, inC, L) or (inC, L) -> (N, outC, Lo) or (outC, Lo), Lo = floor((L + 2 pad - dilation (k - 1) - 1) / stride) + 1.
 * Weight (outC, inC / groups, k), bias (outC), PyTorch's default init.
 */
export class Conv1d extends Module {
  static {
    declareForgetful(this);
  }

  weight: Parameter;
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number], opts: Conv1dModuleOptions = {}) {
    super();
    const r = resolveConvLayer('Conv1d', 1, inChannels, outChannels, kernelSize, opts);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = r.kernel[0]!;
    this.stride = r.stride[0]!;
    this.padding = typeof r.padding === 'string' ? r.padding : r.padding[0]!;
    this.dilation = r.dilation[0]!;
    this.groups = r.groups;
    [this.weight, this.bias] = initConvParameters([outChannels, inChannels / r.groups, this.kernelSize], opts.bias ?? true, opts.generator ?? defaultGenerator);
  }

  forward(x: Input): Variable {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    const p = typeof this.padding === 'string' ? this.padding : [this.padding];
    return convRepr(this.inChannels, this.outChannels, [this.kernelSize], [this.stride], p, [this.dilation], this.groups, this.bias !== null);
  }
}
