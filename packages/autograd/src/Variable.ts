import { Tensor, formatTensor, describeValue, type Indices } from '@tapegrad/tensor';
import type { Node } from './Node.js';
import { runBackward, type BackwardOptions } from './engine.js';
import * as ops from './ops/index.js';
import type { Operand } from './ops/operand.js';

export interface VariableOptions {
  /** Record ops on this Variable and accumulate its gradient into `.grad`. @default false */
  requiresGrad?: boolean;
}

/**
 * A tensor that takes part in automatic differentiation. Methods are thin calls into the op files
 * (`ops/*.ts`); an operand may be a Variable, a Tensor (a constant) or a number.
 */
export class Variable {
  data: Tensor;
  grad: Tensor | null = null;
  requiresGrad: boolean;
  /** The op that produced this Variable (null for leaves and for results computed without grad). */
  gradFn: Node | null = null;

  constructor(t: Tensor, opts: VariableOptions = {}) {
    if (!(t instanceof Tensor)) throw new Error(`Variable: data ${describeValue(t)} is not a Tensor; expected a Tensor (use tensor(values, shape))`);
    this.data = t;
    this.requiresGrad = opts.requiresGrad ?? false;
  }

  get shape(): readonly number[] { return this.data.shape; }
  get ndim(): number { return this.data.ndim; }
  get size(): number { return this.data.size; }
  /** True for Variables not produced by a recorded op. */
  get isLeaf(): boolean { return this.gradFn === null; }

  item(): number { return this.data.item(); }
  toArray(): Float32Array { return this.data.toArray(); }
  /** `toArray()` without blocking while a resident backend's values travel back (Tensor.toArrayAsync). */
  toArrayAsync(): Promise<Float32Array> { return this.data.toArrayAsync(); }
  /** `item()` without blocking (Tensor.itemAsync). */
  itemAsync(): Promise<number> { return this.data.itemAsync(); }

  /** Back-propagates from this Variable; gradients accumulate into the leaves' `.grad`. */
  backward(grad?: Tensor, opts: BackwardOptions = {}): void { runBackward(this, grad, opts); }

  /** Keeps `.grad` on this non-leaf Variable during backward. */
  retainGrad(): this {
    if (this.gradFn) this.gradFn.retained = this;
    return this;
  }

  /** The same data, cut from the graph. */
  detach(): Variable { return new Variable(this.data); }

  /** Sets `.grad` to null. */
  zeroGrad(): void { this.grad = null; }

  add(o: Operand): Variable { return ops.add(this, o); }
  sub(o: Operand): Variable { return ops.sub(this, o); }
  mul(o: Operand): Variable { return ops.mul(this, o); }
  div(o: Operand): Variable { return ops.div(this, o); }
  pow(o: Operand): Variable { return ops.pow(this, o); }
  neg(): Variable { return ops.neg(this); }
  exp(): Variable { return ops.exp(this); }
  log(): Variable { return ops.log(this); }
  sqrt(): Variable { return ops.sqrt(this); }
  abs(): Variable { return ops.abs(this); }
  relu(): Variable { return ops.relu(this); }
  sigmoid(): Variable { return ops.sigmoid(this); }
  tanh(): Variable { return ops.tanh(this); }
  clamp(min?: number | null, max?: number | null): Variable { return ops.clamp(this, min, max); }
  matmul(o: Variable | Tensor): Variable { return ops.matmul(this, o); }
  sum(dims?: number | readonly number[] | null, keepDim = false): Variable { return ops.sum(this, dims, keepDim); }
  mean(dims?: number | readonly number[] | null, keepDim = false): Variable { return ops.mean(this, dims, keepDim); }
  amax(dims?: number | readonly number[] | null, keepDim = false): Variable { return ops.amax(this, dims, keepDim); }
  amin(dims?: number | readonly number[] | null, keepDim = false): Variable { return ops.amin(this, dims, keepDim); }
  max(dim: number, keepDim = false): [Variable, Tensor] { return ops.max(this, dim, keepDim); }
  min(dim: number, keepDim = false): [Variable, Tensor] { return ops.min(this, dim, keepDim); }
  argmax(dim?: number, keepDim = false): Tensor { return ops.argmax(this, dim, keepDim); }
  argmin(dim?: number, keepDim = false): Tensor { return ops.argmin(this, dim, keepDim); }
  norm(p: number = 2, dims?: number | readonly number[] | null, keepDim = false): Variable { return ops.norm(this, p, dims, keepDim); }
  reshape(shape: readonly number[]): Variable { return ops.reshape(this, shape); }
  view(shape: readonly number[]): Variable { return ops.reshape(this, shape); }
  permute(dims: readonly number[]): Variable { return ops.permute(this, dims); }
  transpose(a: number, b: number): Variable { return ops.transpose(this, a, b); }
  flatten(start = 0, end = -1): Variable { return ops.flatten(this, start, end); }
  squeeze(dim?: number): Variable { return ops.squeeze(this, dim); }
  unsqueeze(dim: number): Variable { return ops.unsqueeze(this, dim); }
  expand(shape: readonly number[]): Variable { return ops.expand(this, shape); }
  narrow(dim: number, start: number, length: number): Variable { return ops.narrow(this, dim, start, length); }
  select(dim: number, index: number): Variable { return ops.select(this, dim, index); }
  index(dim: number, indices: Indices): Variable { return ops.index(this, dim, indices); }
  softmax(dim: number): Variable { return ops.softmax(this, dim); }
  logSoftmax(dim: number): Variable { return ops.logSoftmax(this, dim); }

  // Comparisons give a 0/1 Tensor without gradient.
  eq(o: Operand): Tensor { return ops.eq(this, o); }
  ne(o: Operand): Tensor { return ops.ne(this, o); }
  lt(o: Operand): Tensor { return ops.lt(this, o); }
  le(o: Operand): Tensor { return ops.le(this, o); }
  gt(o: Operand): Tensor { return ops.gt(this, o); }
  ge(o: Operand): Tensor { return ops.ge(this, o); }

  /**
   * The values as PyTorch prints them, the shape, then `grad_fn=<AddBackward>` (the op's name) or,
   * for a leaf, `requires_grad=True`.
   */
  toString(): string {
    const name = this.gradFn?.name;
    const grad = name ? [`grad_fn=<${name.charAt(0).toUpperCase()}${name.slice(1)}Backward>`] : this.requiresGrad ? ['requires_grad=True'] : [];
    return formatTensor(this.data, grad);
  }
}
