import { fail, formatShape } from '@tapegrad/tensor';
import { Variable, matmul, add, lift, type Input } from '@tapegrad/autograd';

/**
 * (*, inF), weight (outF, inF), bias (outF) -> (*, outF): x W^T + b.
 */
export function linear(x: Input, weight: Input, bias?: Input | null): Variable {
  if (weight.shape.length !== 2) fail('linear', `weight shape ${formatShape(weight.shape)} has rank ${weight.shape.length}; expected (outFeatures, inFeatures)`);
  const [outF, inF] = weight.shape as [number, number];
  if (x.shape.length < 1 || x.shape[x.shape.length - 1] !== inF) {
    fail('linear', `input shape ${formatShape(x.shape)} does not fit weight ${formatShape(weight.shape)}; expected (*, ${inF})`);
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outF)) {
    fail('linear', `bias shape ${formatShape(bias.shape)} does not fit weight ${formatShape(weight.shape)}; expected [${outF}]`);
  }
  const wt = weight instanceof Variable ? weight.transpose(0, 1) : weight.transpose(0, 1);
  const y = matmul(x, wt);
  return bias ? add(y, lift(bias)) : y;
}
