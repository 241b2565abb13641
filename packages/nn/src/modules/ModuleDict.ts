import type { Variable, Input } from '@tapegrad/autograd';
import { describeValue } from '@tapegrad/tensor';
import { Module } from '../Module.js';

/** Holds child modules by name, in insertion order; state-dict keys start with the name (`conv.weight`). */
export class ModuleDict extends Module {
  private readonly entriesMap = new Map<string, Module>();

  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    const pairs = Symbol.iterator in modules ? [...(modules as Iterable<readonly [string, Module]>)] : Object.entries(modules);
    for (const [k, m] of pairs) this.set(k, m);
  }

  override namedChildren(): [string, Module][] {
    return [...this.entriesMap.entries()];
  }

  get size(): number {
    return this.entriesMap.size;
  }

  get(key: string): Module | undefined {
    return this.entriesMap.get(key);
  }

  has(key: string): boolean {
    return this.entriesMap.has(key);
  }

  set(key: string, m: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new Error(`ModuleDict.set: key '${String(key)}' is not a valid name; expected a non-empty string without '.'`);
    if (!(m instanceof Module)) throw new Error(`ModuleDict.set: value for key '${key}' (${describeValue(m)}) is not a Module; expected a Module`);
    this.entriesMap.set(key, m);
    return this;
  }

  delete(key: string): boolean {
    return this.entriesMap.delete(key);
  }

  keys(): string[] {
    return [...this.entriesMap.keys()];
  }

  values(): Module[] {
    return [...this.entriesMap.values()];
  }

  entries(): [string, Module][] {
    return [...this.entriesMap.entries()];
  }

  forward(_x: Input): Variable {
    throw new Error('ModuleDict.forward: a ModuleDict has no forward; expected the owning module to call its entries');
  }
}
