import { defaultGenerator, type Generator } from '@tapegrad/tensor';
import { freeActivation, type Variable, type Input } from '@tapegrad/autograd';
import { Module, Conv2d, ReLU, FusedSequence, FusedConcat } from '@tapegrad/nn';

/** The part of @tapegrad/onnx's OnnxExportContext that Fire's export uses (structural: train does not depend on onnx). */
interface OnnxGraph {
  module(child: Module, input: string): string;
  node(opType: string, inputs: readonly string[], attributes?: { axis: number }): string;
}

/**
 * (N, inC, H, W) -> (N, e1 + e3, H, W): SqueezeNet's Fire module. `squeeze` (1x1 conv to s
 * channels) then ReLU, then `expand1` (1x1 conv to e1) and `expand3` (3x3 conv, padding 1, to e3),
 * each followed by ReLU, concatenated on channels. State-dict keys `squeeze.weight`,
 * `expand1.weight`, `expand3.weight` (and biases); the ReLUs are children as in torchvision's Fire
 * (no parameters). Each convolution and its ReLU run through a fusion plan, so each pair is one op,
 * and the two expand pairs write their channels of the output in place (`FusedConcat`). The squeeze
 * output is freed once nothing can read it (`freeActivation`), while every child keeps nothing it
 * sees.
 */
export class Fire extends Module {
  squeeze: Conv2d;
  squeezeActivation = new ReLU();
  expand1: Conv2d;
  expand1Activation = new ReLU();
  expand3: Conv2d;
  expand3Activation = new ReLU();
  private readonly squeezePath = new FusedSequence();
  private readonly expandPaths = new FusedConcat();

  constructor(inChannels: number, squeezeChannels: number, expand1Channels: number, expand3Channels: number, opts: { generator?: Generator } = {}) {
    super();
    const generator = opts.generator ?? defaultGenerator;
    this.squeeze = new Conv2d(inChannels, squeezeChannels, 1, { generator });
    this.expand1 = new Conv2d(squeezeChannels, expand1Channels, 1, { generator });
    this.expand3 = new Conv2d(squeezeChannels, expand3Channels, 3, { padding: 1, generator });
  }

  forward(x: Input): Variable {
    const s = this.squeezePath.run([this.squeeze, this.squeezeActivation], x);
    const out = this.expandPaths.run([[this.expand1, this.expand1Activation], [this.expand3, this.expand3Activation]], s);
    if (this.childrenForget()) {
      freeActivation(s, 'Fire: the squeeze output was freed once nothing could read it; to read it, run the Fire module\'s layers one by one');
    }
    return out;
  }

  /** Its own forward over children that keep nothing keeps nothing either. */
  override forgetsActivations(): boolean {
    return this.forward === Fire.prototype.forward && this.childrenForget();
  }

  private childrenForget(): boolean {
    return this.children().every((m) => m.forgetsActivations());
  }

  /** exportOnnx's hook: the three Conv + Relu pairs and a Concat on channels. */
  toOnnx(g: OnnxGraph, input: string): string {
    const s = g.node('Relu', [g.module(this.squeeze, input)]);
    return g.node('Concat', [g.node('Relu', [g.module(this.expand1, s)]), g.node('Relu', [g.module(this.expand3, s)])], { axis: 1 });
  }
}
