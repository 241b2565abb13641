import { Tensor, kernels, formatShape, shapesEqual, ones, getBackend, recordAllocations, recyclePass, discardArray } from '@tapegrad/tensor';
import type { Node } from './Node.js';
import type { Variable } from './Variable.js';
import { noGrad, endStep } from './gradMode.js';

export interface BackwardOptions {
  /** Keep the graph (and what ops saved) so backward can run through it again. @default false */
  retainGraph?: boolean;
}

/**
 * Buffers of one backward pass: `fresh` holds those allocated during it (so held by nothing from
 * before), `taken` those already handed to a `.grad`.
 */
interface Ownership {
  readonly fresh: Allocations;
  readonly taken: Set<Float32Array>;
  /** Variables whose `.grad` this pass set. */
  readonly graded: Set<Variable>;
}

/**
 * The buffers allocated during a backward pass, so the pass can take over those that hold its own
 * intermediate gradients (as a `.grad`, or to free them when it ends).
 */
class Allocations {
  private readonly set = new WeakSet<Float32Array>();
  readonly list: Float32Array[] = [];

  add(a: Float32Array): this {
    this.set.add(a);
    this.list.push(a);
    return this;
  }

  has(a: Float32Array): boolean {
    return this.set.has(a);
  }
}

const DISCARDED = 'backward: this gradient was computed inside backward() and was not kept as a .grad (nor retained with retainGrad()); ' +
  'its memory was freed for reuse when backward() ended';

/**
 * After a backward pass: frees the buffers it allocated that no `.grad` holds (a resident backend
 * drops its copies unread; host buffers go to the pool the next tensors are allocated from).
 */
function discardIntermediates(own: Ownership): void {
  const kept = new Set<ArrayBufferLike>();
  for (const v of own.graded) if (v.grad) kept.add(v.grad.storage.buffer);
  for (const a of own.fresh.list) if (!kept.has(a.buffer)) discardArray(a, DISCARDED);
}

/**
 * A node's incoming gradient once its backward has run: if this pass allocated its buffer and no
 * `.grad` took it, nor does a gradient still to be propagated share it (a view passed on, or the
 * same tensor sent to two inputs), it is dead now, and its buffer can serve the rest of the pass.
 */
function discardIfDead(gOut: Tensor, pending: Map<Node, Tensor>, own: Ownership): void {
  const a = gOut.storage;
  if (!own.fresh.has(a)) return;
  for (const t of own.taken) if (t.buffer === a.buffer) return;
  for (const t of pending.values()) if (t.storage.buffer === a.buffer) return;
  discardArray(a, DISCARDED);
}

/**
 * Leaf gradients are always compact tensors (offset 0, exactly `size` elements) owned by nobody
 * else, so optimisers can read and even update `.grad.data` in place. A gradient computed during
 * this pass into a buffer of its own that no other `.grad` took is taken over as it is; anything
 * else (the caller's upstream tensor, a view into a larger buffer such as cat's narrow, an expanded
 * view, a buffer already taken by another leaf) is copied.
 */
function accumulate(v: Variable, g: Tensor, own: Ownership): void {
  own.graded.add(v);
  if (v.grad) {
    v.grad = kernels.binary('add', v.grad, g);
    return;
  }
  if (g.offset === 0 && g.storage.length === g.size && g.isContiguous() && own.fresh.has(g.storage) && !own.taken.has(g.storage)) {
    own.taken.add(g.storage);
    v.grad = g;
    return;
  }
  const out = new Tensor(getBackend().alloc(g.size), g.shape);
  kernels.copyInto(out, g);
  own.taken.add(out.storage);
  v.grad = out;
}

function propagate(node: Node, gOut: Tensor, pending: Map<Node, Tensor>, own: Ownership): void {
  if (node.retained) accumulate(node.retained, gOut, own);
  const grads = node.backwardFn(gOut);
  if (grads.length !== node.inputs.length) {
    throw new Error(`${node.name}: backward returned ${grads.length} gradients for ${node.inputs.length} tensor inputs; expected one entry (Tensor or null) per tensor input`);
  }
  node.inputs.forEach((v, i) => {
    const gi = grads[i];
    if (!v || !v.requiresGrad || gi === null || gi === undefined) return;
    if (!shapesEqual(gi.shape, v.shape)) {
      throw new Error(`${node.name}: backward returned a gradient of shape ${formatShape(gi.shape)} for input ${i} of shape ${formatShape(v.shape)}; expected shape ${formatShape(v.shape)}`);
    }
    if (v.gradFn) {
      const prev = pending.get(v.gradFn);
      pending.set(v.gradFn, prev ? kernels.binary('add', prev, gi) : gi);
    } else {
      accumulate(v, gi, own);
    }
  });
}

/**
 * Reverse-mode pass from `root`: visits the nodes reachable from it in descending tape order, so
 * each node runs after every node that consumes its output. Leaves accumulate into `.grad`.
 */
export function runBackward(root: Variable, grad: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: the output does not require grad (no input requires grad, or it was computed under noGrad); expected a Variable that depends on one with requiresGrad: true');
  }
  let g: Tensor;
  if (grad === undefined) {
    if (root.data.size !== 1) {
      throw new Error(`backward: grad can be omitted only for a one-element output, but the output has shape ${formatShape(root.shape)}; expected backward(gradOutput) with a gradient of that shape`);
    }
    g = ones(root.shape);
  } else {
    if (!shapesEqual(grad.shape, root.shape)) {
      throw new Error(`backward: grad of shape ${formatShape(grad.shape)} does not match the output shape ${formatShape(root.shape)}; expected shape ${formatShape(root.shape)}`);
    }
    g = grad;
  }
  const own: Ownership = { fresh: new Allocations(), taken: new Set(), graded: new Set() };
  if (!root.gradFn) {
    accumulate(root, g, own);
    return;
  }
  // collect reachable nodes
  const nodes: Node[] = [];
  const seen = new Set<Node>();
  const stack: Node[] = [root.gradFn];
  seen.add(root.gradFn);
  while (stack.length > 0) {
    const n = stack.pop()!;
    nodes.push(n);
    for (const v of n.inputs) {
      const p = v?.gradFn;
      if (p && !seen.has(p)) { seen.add(p); stack.push(p); }
    }
  }
  nodes.sort((a, b) => b.seq - a.seq);
  const pending = new Map<Node, Tensor>();
  pending.set(root.gradFn, g);
  recyclePass();
  noGrad(() => recordAllocations(own.fresh, () => {
    for (const node of nodes) {
      const gOut = pending.get(node);
      pending.delete(node);
      if (gOut !== undefined) {
        if (node.ctx.isReleased) {
          throw new Error(`backward: the graph through ${node.name} was freed by an earlier backward(); pass { retainGraph: true } to the first backward() to run backward through it again`);
        }
        propagate(node, gOut, pending, own);
        discardIfDead(gOut, pending, own);
      }
      if (!opts.retainGraph) node.ctx.release();
    }
  }));
  discardIntermediates(own);
  endStep();
}
