/**
 * Core kernels: elementwise, reductions, matrix multiply, softmax. They see only typed arrays,
 * explicit shapes/strides/offsets and plain numbers; the caller allocates `out` (via `alloc`).
 */

/** Elementwise ops of one operand; `a` and `b` are the op's numeric parameters where it has them. */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'relu' | 'sigmoid' | 'tanh'
  | 'square' | 'reciprocal' | 'powScalar' | 'clamp' | 'leakyRelu' | 'elu' | 'gelu'
  | 'floor' | 'ceil' | 'round' | 'isnan' | 'addScalar' | 'mulScalar' | 'rpowScalar';

/** Elementwise ops of two broadcast operands. Comparisons give 1 or 0. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum'
  | 'gt' | 'ge' | 'lt' | 'le' | 'eq' | 'ne';

export type ReduceOp = 'sum' | 'max' | 'min';

/** A strided view of a typed array. */
export interface StridedArray {
  readonly data: Float32Array;
  readonly strides: readonly number[];
  readonly offset: number;
}

export interface CoreKernels {
  /** Allocates a zero-filled buffer. A WASM backend may hand out views into its own memory. */
  alloc(length: number): Float32Array;
  /**
   * A buffer whose contents are unspecified, for an output the kernel called next overwrites
   * completely (skipping the zero fill and the fresh pages a zeroed buffer costs).
   */
  empty(length: number): Float32Array;
  /** out[i] = op(x[i]) over `n` contiguous elements. */
  unary(op: UnaryOp, x: Float32Array, xOffset: number, n: number, out: Float32Array, a: number, b: number): void;
  /**
   * ReLU's backward over `n` contiguous elements: gx[i] = out[i] <= 0 ? 0 : g[i], where `out` is
   * the forward output (so a NaN output passes the gradient, as PyTorch's threshold_backward).
   */
  reluBackward(out: Float32Array, outOffset: number, g: Float32Array, gOffset: number, n: number, gx: Float32Array): void;
  /** out (contiguous, `shape`) = op(a, b) with `a` and `b` strided (stride 0 where broadcast). */
  binary(op: BinaryOp, shape: readonly number[], a: StridedArray, b: StridedArray, out: Float32Array): void;
  /** out (contiguous, `shape`) = where(cond != 0, a, b), all three strided over `shape`. */
  where(shape: readonly number[], cond: StridedArray, a: StridedArray, b: StridedArray, out: Float32Array): void;
  /** Copies a strided view of `shape` into another strided view (e.g. a region of a padded output). */
  copy(shape: readonly number[], x: StridedArray, out: StridedArray): void;
  /**
   * A dropout mask: out[i] = draw i < p ? 0 : value, in order, the draws those of xoshiro128** from
   * the four state words `state` (a Generator's, advanced in place as by out.length `random()`
   * calls): every backend draws the same sequence, so the mask and the generator's next numbers do
   * not depend on the backend.
   */
  fillMask(state: Int32Array, p: number, value: number, out: Float32Array): void;
  /**
   * Reduces x (`shape`, strided) over the dims where `reduce[d]` is true into contiguous `out`
   * whose shape is `shape` with those dims set to 1. Sums accumulate in float64.
   */
  reduce(op: ReduceOp, shape: readonly number[], x: StridedArray, reduce: readonly boolean[], out: Float32Array): void;
  /**
   * Arg-reduction of contiguous x viewed as (outer, dim, inner) along the middle axis: values and
   * indices (as float32 integers). Ties: the first index; NaN wins (first NaN), as PyTorch.
   */
  argReduce(op: 'max' | 'min', x: Float32Array, outer: number, dim: number, inner: number, values: Float32Array, indices: Float32Array): void;
  /**
   * C[M, N] (+)= A[M, K] · B[K, N]; each operand addressed by offset, row stride and column stride,
   * so transposed views need no copy. `accumulate` adds into C instead of overwriting it.
   */
  gemm(M: number, N: number, K: number,
    a: Float32Array, aOffset: number, aRowStride: number, aColStride: number,
    b: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
    c: Float32Array, cOffset: number, cRowStride: number, accumulate: boolean): void;
  /**
   * Gathers slabs along the middle axis of contiguous x viewed as (outer, n, inner):
   * out (outer, k, inner)[o, j, i] = x[o, indices[j], i], k = indices.length, every index in [0, n).
   */
  indexSelect(x: Float32Array, outer: number, n: number, inner: number, indices: Int32Array, out: Float32Array): void;
  /**
   * The adjoint of indexSelect: out (outer, n, inner)[o, indices[j], i] += g (outer, k, inner)[o, j, i],
   * repeated indices summing in order of j. `out` arrives zero-filled (or holding what to add to).
   */
  indexAdd(g: Float32Array, outer: number, n: number, inner: number, indices: Int32Array, out: Float32Array): void;
  /** Softmax (or log-softmax) of contiguous x viewed as (outer, dim, inner) along the middle axis. */
  softmax(x: Float32Array, outer: number, dim: number, inner: number, log: boolean, out: Float32Array): void;
  /** Backward of softmax / log-softmax given the forward output y and upstream g. */
  softmaxBackward(y: Float32Array, g: Float32Array, outer: number, dim: number, inner: number, log: boolean, out: Float32Array): void;
}
