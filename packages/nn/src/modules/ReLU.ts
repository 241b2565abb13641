import type { Variable, Input } from '@tapegrad/autograd';
import { Module, declareForgetful } from '../Module.js';
import { relu } from '../functional/activations.js';
import type { FusionRole } from '../fusion.js';

const RELU_ROLE: FusionRole = { kind: 'epilogue', epilogue: 'relu' };

/** (*) -> (*): max(x, 0) */
export class ReLU extends Module {
  static {
    declareForgetful(this);
  }

  forward(x: Input): Variable {
    return relu(x);
  }

  /** An epilogue: after a Conv2d or batch norm layer it runs inside that layer's kernel (unless forward is replaced). */
  override fusionRole(): FusionRole | null {
    return this.forward === ReLU.prototype.forward ? RELU_ROLE : null;
  }
}
