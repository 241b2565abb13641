import { Tensor, kernels } from '@tapegrad/tensor';
import { defineOp } from '../defineOp.js';
import { OpContext } from '../OpContext.js';
import type { Variable } from '../Variable.js';

type Saved = { a: Tensor; b: Tensor };

/** Promotes 1-D operands to matrices as torch.matmul does. */
function promote(a: Tensor, b: Tensor): [Tensor, Tensor] {
  return [a.ndim === 1 ? a.unsqueeze(0) : a, b.ndim === 1 ? b.unsqueeze(1) : b];
}

// (*, M, K) @ (*, K, N) -> (*, M, N); dA = g @ B^T, dB = A^T @ g, summed over broadcast batch dims.
const matmulOp = defineOp({
  name: 'matmul',
  forward(ctx: OpContext<Saved>, a: Tensor, b: Tensor): Tensor {
    ctx.save({ a, b });
    return kernels.matmul(a, b);
  },
  backward(ctx: OpContext<Saved>, g: Tensor) {
    const { a, b } = ctx.saved;
    const [A, B] = promote(a, b);
    const M = A.shape[A.ndim - 2]!, N = B.shape[B.ndim - 1]!;
    const batch = g.shape.slice(0, g.ndim - (a.ndim === 1 ? 0 : 1) - (b.ndim === 1 ? 0 : 1));
    const G = g.reshape([...batch, M, N]);
    const ga = ctx.needsInputGrad[0] ? kernels.sumToShape(kernels.matmul(G, B.transpose(-1, -2)), A.shape).reshape(a.shape) : null;
    const gb = ctx.needsInputGrad[1] ? rightGradient(A, B, G).reshape(b.shape) : null;
    return [ga, gb];
  },
});

/**
 * dB = A^T @ G summed to B's shape, laid out as B is: where B is a transposed view (linear's W^T),
 * computed as (G^T @ A)^T, so the transpose that made B hands W a contiguous gradient (a leaf's
 * .grad takes it over) instead of one a strided copy must transpose (6.4 MB for nin-fc's weight).
 */
function rightGradient(A: Tensor, B: Tensor, G: Tensor): Tensor {
  const r = B.ndim, K = B.shape[r - 2]!, N = B.shape[r - 1]!;
  if (r >= 2 && K > 1 && N > 1 && B.strides[r - 2] === 1 && B.strides[r - 1] === K) {
    const shapeT = [...B.shape.slice(0, r - 2), N, K];
    return kernels.sumToShape(kernels.matmul(G.transpose(-1, -2), A), shapeT).transpose(-1, -2);
  }
  return kernels.sumToShape(kernels.matmul(A.transpose(-1, -2), G), B.shape);
}

/** (*, M, K) @ (*, K, N) -> (*, M, N), batch dims broadcast; 1-D operands as torch.matmul. */
export function matmul(a: Variable | Tensor, b: Variable | Tensor): Variable {
  return matmulOp(a, b);
}
