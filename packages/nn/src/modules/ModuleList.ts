import type { Variable, Input } from '@tapegrad/autograd';
import { describeValue } from '@tapegrad/tensor';
import { Module } from '../Module.js';

function expectModule(fn: string, m: unknown, at: string): Module {
  if (!(m instanceof Module)) throw new Error(`${fn}: ${at} (${describeValue(m)}) is not a Module; expected Module instances`);
  return m;
}

/**
 * Holds child modules in a list; state-dict keys are their indices (`0.weight`, `1.bias`, ...).
 * It has no forward of its own: the owning module decides how to call the children.
 */
export class ModuleList extends Module {
  readonly modules: Module[];

  constructor(modules: Iterable<Module> = []) {
    super();
    this.modules = [...modules].map((m, i) => expectModule('ModuleList', m, `entry ${i}`));
  }

  override namedChildren(): [string, Module][] {
    return this.modules.map((m, i) => [String(i), m]);
  }

  get length(): number {
    return this.modules.length;
  }

  /** The module at `i` (negative counts from the end). */
  at(i: number): Module {
    const m = this.modules[i < 0 ? i + this.modules.length : i];
    if (!m) throw new Error(`ModuleList.at: index ${i} is out of range for ${this.modules.length} modules; expected an integer in [${-this.modules.length}, ${this.modules.length - 1}]`);
    return m;
  }

  append(m: Module): this {
    this.modules.push(expectModule('ModuleList.append', m, 'module'));
    return this;
  }

  extend(ms: Iterable<Module>): this {
    for (const m of ms) this.append(m);
    return this;
  }

  insert(index: number, m: Module): this {
    this.modules.splice(index, 0, expectModule('ModuleList.insert', m, 'module'));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.modules[Symbol.iterator]();
  }

  forward(_x: Input): Variable {
    throw new Error('ModuleList.forward: a ModuleList has no forward; expected the owning module to call its entries');
  }
}
