import { Tensor, fail, formatShape, shapesEqual, describeValue, hostArray, liveArray } from '@tapegrad/tensor';
import { Variable, endStep } from '@tapegrad/autograd';

/** A value in a state dict: JSON data with Tensors as leaves (checkpoints store the Tensors as raw float32). */
export type StateValue = number | string | boolean | null | Tensor | readonly StateValue[] | { readonly [key: string]: StateValue };
export type StateDict = { [key: string]: StateValue };

/** Per-parameter optimiser state: buffers the size of the parameter, and counters. */
export type ParamState = Record<string, Float32Array | number>;

/** A parameter group: its parameters and the options that apply to them (lr first among them). */
export type ParamGroup<O> = O & { params: Variable[]; initialLr?: number };

/** Parameters as an iterable of Variables, or a list of groups `{ params, ...options }` overriding the defaults. */
export type ParamsInput<O> = Iterable<Variable> | readonly ({ params: Iterable<Variable> } & Partial<O>)[];

export interface OptimizerStateDict {
  /** Per parameter (by position over all groups): its state, buffers as Tensors. */
  state: { [index: string]: { [key: string]: Tensor | number } };
  /** The groups' options, with `params` as positions. */
  paramGroups: { [key: string]: StateValue }[];
}

function isGroupList<O>(params: ParamsInput<O>): params is readonly ({ params: Iterable<Variable> } & Partial<O>)[] {
  if (!Array.isArray(params) || params.length === 0) return false;
  const first: unknown = params[0];
  return typeof first === 'object' && first !== null && !(first instanceof Variable) && 'params' in first;
}

/** A number >= 0 (learning rates, weight decay, momentum, eps). */
export function expectNonNegative(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) fail(fn, `${name} ${String(v)} must be a non-negative finite number; expected ${name} >= 0`);
  return v;
}

/**
 * Base of the optimisers: parameter groups, per-parameter state, `zeroGrad`, state dicts. A
 * subclass implements `validate` (its options) and `update` (one parameter's step). Each step
 * reads `p.data` and `p.grad` afresh (a Module's loadStateDict replaces `p.data`) and writes the
 * new values into the parameter's own storage.
 */
export abstract class Optimizer<O extends { lr: number }, S extends ParamState = ParamState> {
  readonly paramGroups: ParamGroup<O>[];
  readonly defaults: Readonly<O>;
  protected readonly state = new Map<Variable, S>();
  protected readonly name: string;

  constructor(name: string, params: ParamsInput<O>, defaults: O) {
    this.name = name;
    this.defaults = Object.freeze({ ...defaults });
    this.validate(defaults);
    if (params === null || params === undefined || typeof (params as Iterable<Variable>)[Symbol.iterator] !== 'function') {
      fail(name, `params ${String(params)} is not iterable; expected an iterable of Variables or a list of parameter groups`);
    }
    const groups = isGroupList(params) ? params : [{ params: params as Iterable<Variable> }];
    this.paramGroups = [];
    const seen = new Set<Variable>();
    groups.forEach((g, gi) => {
      const list = [...g.params];
      list.forEach((p, i) => {
        if (!(p instanceof Variable)) fail(name, `parameter ${i} of group ${gi} (${describeValue(p)}) is not a Variable; expected Variables`);
        if (seen.has(p)) fail(name, `parameter ${i} of group ${gi} appears in more than one place; expected each parameter once`);
        seen.add(p);
      });
      const group = { ...defaults, ...g, params: list } as ParamGroup<O>;
      this.validate(group);
      this.paramGroups.push(group);
    });
    if (seen.size === 0) fail(name, 'params is empty; expected at least one parameter');
  }

  /** Checks one set of options (the defaults, then each group); throws with the offending value. */
  protected abstract validate(o: O): void;

  /** Updates one parameter: `p` its contiguous storage, `g` its gradient, `s` its state. */
  protected abstract update(p: Float32Array, g: Float32Array, s: S, group: ParamGroup<O>): void;

  /**
   * True when `update` runs backend kernels on the arrays as they lie (the built-in optimisers);
   * false (the default, for an optimiser written as a loop in TypeScript) brings them to the host
   * first, so a resident backend's values are current there.
   */
  protected get usesKernels(): boolean {
    return false;
  }

  /** Fresh state for a parameter of `size` elements. */
  protected abstract initState(size: number, group: ParamGroup<O>): S;

  /** One optimisation step over every parameter that has a gradient. */
  step(): void {
    for (const group of this.paramGroups) {
      for (const v of group.params) {
        const grad = v.grad;
        if (grad === null) continue;
        if (!shapesEqual(grad.shape, v.shape)) fail(`${this.name}.step`, `gradient of shape ${formatShape(grad.shape)} does not match parameter shape ${formatShape(v.shape)}`);
        let st = this.state.get(v);
        if (!st) {
          st = this.initState(v.data.size, group);
          this.state.set(v, st);
        }
        if (this.usesKernels) {
          this.update(ownStorage(v), grad.contiguousStorage(), st, group);
        } else {
          for (const a of Object.values(st)) if (typeof a !== 'number') hostArray(a);
          this.update(hostArray(ownStorage(v)), grad.values(), st, group);
        }
      }
    }
    endStep();
  }

  /** Clears every parameter's gradient (sets `.grad` to null). NOTE: PyTorch 1.13 fills zeros by default; null is what set_to_none=True gives and saves the memory. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /** Options of every group and the state of every parameter (copies). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Variable, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const out: { [key: string]: StateValue } = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') out[k] = v as StateValue;
      out['params'] = g.params.map((p) => { const i = index.size; index.set(p, i); return i; });
      return out;
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, st] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const entry: { [key: string]: Tensor | number } = {};
      for (const [k, v] of Object.entries(st)) entry[k] = typeof v === 'number' ? v : new Tensor(hostArray(v).slice(), p.shape);
      state[String(i)] = entry;
    }
    return { state, paramGroups };
  }

  /** Restores options and state saved by `stateDict` of an optimiser over the same parameters. Checks everything before changing anything. */
  loadStateDict(sd: OptimizerStateDict): void {
    const fn = `${this.name}.loadStateDict`;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) {
      fail(fn, `state dict ${String(sd)} is malformed; expected { state, paramGroups } from stateDict()`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      fail(fn, `state dict has ${sd.paramGroups.length} parameter groups; expected ${this.paramGroups.length}`);
    }
    const params: Variable[] = [];
    sd.paramGroups.forEach((g, gi) => {
      const mine = this.paramGroups[gi]!;
      const ids = g['params'];
      if (!Array.isArray(ids) || ids.length !== mine.params.length) {
        fail(fn, `group ${gi} of the state dict has ${Array.isArray(ids) ? ids.length : 'no'} parameters; expected ${mine.params.length}`);
      }
      params.push(...mine.params);
    });
    const newState = new Map<Variable, S>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const p = params[Number(key)];
      if (!p) fail(fn, `state for parameter ${key} has no matching parameter; expected indices in [0, ${params.length - 1}]`);
      const st: ParamState = {};
      for (const [k, v] of Object.entries(entry)) {
        if (typeof v === 'number') st[k] = v;
        else if (v instanceof Tensor && shapesEqual(v.shape, p.shape)) st[k] = v.toArray();
        else fail(fn, `state ${k} of parameter ${key} has shape ${v instanceof Tensor ? formatShape(v.shape) : String(v)}; expected a Tensor of shape ${formatShape(p.shape)}`);
      }
      newState.set(p, st as S);
    }
    const groups = sd.paramGroups.map((g, gi) => {
      const opts: Record<string, unknown> = { ...this.paramGroups[gi]! };
      for (const [k, v] of Object.entries(g)) if (k !== 'params') opts[k] = v;
      this.validate(opts as unknown as O);
      return opts;
    });
    groups.forEach((opts, gi) => Object.assign(this.paramGroups[gi]!, opts, { params: this.paramGroups[gi]!.params }));
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
  }
}

/** The parameter's storage as one contiguous Float32Array it owns, copying it into place first if it is a view. */
function ownStorage(v: Variable): Float32Array {
  const t = v.data;
  if (t.offset !== 0 || t.storage.length !== t.size || !t.isContiguous()) v.data = new Tensor(t.toArray(), t.shape);
  return liveArray(v.data.storage);
}
