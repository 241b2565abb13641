import { Tensor, kernels, formatShape, shapesEqual, getBackend } from '@tapegrad/tensor';
import type { Variable, Input } from '@tapegrad/autograd';
import { Parameter, Buffer } from './Parameter.js';
import type { FusionRole } from './fusion.js';

/** camelCase field names become PyTorch's snake_case keys (`runningMean` -> `running_mean`). */
export function toKey(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface LoadStateDictOptions {
  /** Refuse missing and unexpected keys. @default true */
  strict?: boolean;
}

/** The forward functions that keep no reference to what they are given or return (`forgetsActivations`). */
const forgetful = new WeakSet<Module['forward']>();

/**
 * @internal Declares that `cls`'s own forward keeps no reference to its input or its output once it
 * returns (beyond what its ops save for their backward): the library's layers, each in a static
 * block. A subclass that replaces forward, or an instance whose forward is replaced, is not covered.
 */
export function declareForgetful(cls: { prototype: Module }): void {
  forgetful.add(cls.prototype.forward);
}

/**
 * Base class of layers and models. Parameters, buffers and children are found by walking the
 * module's own fields on every call (no registry to go stale), in field order: own parameters,
 * own buffers, then children depth first, as PyTorch orders them.
 */
export abstract class Module {
  training = true;

  /** (input) -> output; see each module's shape note. */
  abstract forward(x: Input): Variable;

  /**
   * What this module brings to fusion (fusion.ts: a host that runs an activation in its kernel's
   * epilogue, or such an activation); null, the default, runs it on its own.
   */
  fusionRole(): FusionRole | null {
    return null;
  }

  /**
   * Whether forward keeps no reference to its input or its output once it returns, so that a
   * container that passes an activation between two such layers may free it once backward has read
   * it (or at once in a `noGrad` pass): the library's layers while their forward is their own
   * (`declareForgetful`); false, the default, for any other (a custom layer may keep what it sees).
   */
  forgetsActivations(): boolean {
    return forgetful.has(this.forward);
  }

  /** Direct children with their keys. Containers override this (Sequential uses "0", "1", ...). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [field, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([toKey(field), v]);
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        (v as Module[]).forEach((m, i) => out.push([`${toKey(field)}.${i}`, m]));
      }
    }
    return out;
  }

  /** This module's own parameters (not its children's). */
  ownParameters(): [string, Parameter][] {
    return Object.entries(this).filter(([, v]) => v instanceof Parameter).map(([k, v]) => [toKey(k), v as Parameter]);
  }

  /** This module's own buffers. */
  ownBuffers(): [string, Buffer][] {
    return Object.entries(this).filter(([, v]) => v instanceof Buffer).map(([k, v]) => [toKey(k), v as Buffer]);
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** Every module in the tree, depth first, this one first with key ''. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${k}` : k));
    return out;
  }

  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [mp, m] of this.namedModules(prefix)) {
      for (const [k, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([mp ? `${mp}.${k}` : k, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Buffer][] {
    const out: [string, Buffer][] = [];
    for (const [mp, m] of this.namedModules()) for (const [k, b] of m.ownBuffers()) out.push([mp ? `${mp}.${k}` : k, b]);
    return out;
  }

  /** Number of elements in all parameters. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.data.size, 0);
  }

  /** Calls `fn` on every module, children first (as PyTorch's apply). */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  train(mode = true): this {
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Sets every parameter's `.grad` to null. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by PyTorch key: per module, own parameters, own buffers, then children. */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const walk = (m: Module, prefix: string): void => {
      for (const [k, p] of m.ownParameters()) out[prefix + k] = p.data;
      for (const [k, b] of m.ownBuffers()) out[prefix + k] = b.value;
      for (const [k, c] of m.namedChildren()) walk(c, `${prefix}${k}.`);
    };
    walk(this, '');
    return out;
  }

  /** Copies values into the existing parameters and buffers, checking keys and shapes first. */
  loadStateDict(state: Record<string, Tensor>, opts: LoadStateDictOptions = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = opts.strict ?? true;
    const targets = new Map<string, { get(): Tensor; set(t: Tensor): void }>();
    const walk = (m: Module, prefix: string): void => {
      for (const [k, p] of m.ownParameters()) targets.set(prefix + k, { get: () => p.data, set: (t) => { p.data = t; } });
      for (const [k, b] of m.ownBuffers()) targets.set(prefix + k, { get: () => b.value, set: (t) => { b.value = t; } });
      for (const [k, c] of m.namedChildren()) walk(c, `${prefix}${k}.`);
    };
    walk(this, '');
    const missingKeys = [...targets.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !targets.has(k));
    // Like PyTorch, collect every problem first and report them together; shapes are checked even when not strict.
    const mismatches: string[] = [];
    for (const [k, target] of targets) {
      const v: unknown = state[k];
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) {
        mismatches.push(`${k}: ${String(v)} is not a Tensor`);
      } else if (!shapesEqual(v.shape, target.get().shape)) {
        mismatches.push(`${k}: got ${formatShape(v.shape)}, the module has ${formatShape(target.get().shape)}`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys [${missingKeys.join(', ')}]`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys [${unexpectedKeys.join(', ')}]`);
    if (mismatches.length > 0) problems.push(`shape mismatches [${mismatches.join('; ')}]`);
    if (problems.length > 0) {
      throw new Error(`loadStateDict: state dict does not match the module: ${problems.join(', ')}; expected the module's keys with its shapes${strict ? ' (or { strict: false } to skip missing and unexpected keys)' : ''}`);
    }
    for (const [k, target] of targets) {
      const v = state[k];
      if (v === undefined) continue;
      const fresh = new Tensor(getBackend().alloc(v.size), v.shape);
      kernels.copyInto(fresh, v);
      target.set(fresh);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The part inside the parentheses of `toString()` (PyTorch's extra_repr). */
  extraRepr(): string {
    return '';
  }

  toString(): string {
    const kids = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (kids.length === 0) return `${head})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${head}\n${body}\n)`;
  }
}
