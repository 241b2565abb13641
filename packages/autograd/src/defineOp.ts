import { Tensor, fail, describeValue } from '@tapegrad/tensor';
import { OpContext } from './OpContext.js';
import { Node } from './Node.js';
import { Variable } from './Variable.js';
import { isGradEnabled, noteRecorded } from './gradMode.js';

/** What forward may return: one tensor, or a tuple whose extra entries are non-differentiable (indices). */
export type OpOutput = Tensor | readonly [Tensor, ...Tensor[]];

/** The public call signature: every Tensor parameter of forward also takes a Variable. */
export type OpArgs<A extends readonly unknown[]> = { [K in keyof A]: A[K] extends Tensor ? Variable | Tensor : A[K] };

export type OpResult<R extends OpOutput> = R extends Tensor ? Variable : [Variable, ...Tensor[]];

export interface OpDefinition<A extends readonly unknown[], S, R extends OpOutput> {
  /** Used in error messages. */
  name: string;
  /** Receives Tensors (Variables unwrapped) and any non-tensor arguments (options) unchanged. */
  forward(ctx: OpContext<S>, ...args: A): R;
  /** One entry per tensor argument of forward, in order: its gradient, or null where none is needed. */
  backward(ctx: OpContext<S>, gradOutput: Tensor): readonly (Tensor | null)[];
}

/**
 * Defines a differentiable op from a forward and a backward over Tensors. This is the API the
 * library's own ops use, and the one users write custom ops with.
 *
 * ```ts
 * const square = defineOp({
 *   name: 'square',
 *   forward(ctx: OpContext<{ x: Tensor }>, x: Tensor) { ctx.save({ x }); return kernels.binary('mul', x, x); },
 *   backward(ctx: OpContext<{ x: Tensor }>, g: Tensor) { return [kernels.binary('mul', g, kernels.unary('mulScalar', ctx.saved.x, 2))]; },
 * });
 * ```
 */
export function defineOp<A extends readonly unknown[], S, R extends OpOutput>(
  def: OpDefinition<A, S, R>,
): (...args: OpArgs<A>) => OpResult<R> {
  const { name } = def;
  return (...args: OpArgs<A>): OpResult<R> => {
    const inputs: (Variable | null)[] = [];
    const needs: boolean[] = [];
    const forwardArgs = (args as readonly unknown[]).map((a) => {
      if (a instanceof Variable) {
        inputs.push(a);
        needs.push(a.requiresGrad);
        return a.data;
      }
      if (a instanceof Tensor) {
        inputs.push(null);
        needs.push(false);
      }
      return a;
    }) as unknown as A;
    const record = isGradEnabled() && needs.some(Boolean);
    const ctx = new OpContext<S>(name, needs);
    const result = def.forward(ctx, ...forwardArgs);
    const main = result instanceof Tensor ? result : result[0];
    if (!(main instanceof Tensor)) fail(name, `forward returned ${describeValue(main)}; expected a Tensor or a [Tensor, ...Tensor[]] tuple`);
    const out = new Variable(main);
    if (record) {
      out.gradFn = new Node(name, inputs, ctx, (g) => def.backward(ctx, g), main.shape);
      noteRecorded();
      out.requiresGrad = true;
    } else ctx.release(); // no backward will read what forward saved
    if (result instanceof Tensor) return out as OpResult<R>;
    return [out, ...result.slice(1)] as OpResult<R>;
  };
}
