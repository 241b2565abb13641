import { Tensor, zeros, formatShape } from '@tapegrad/tensor';
import { noGrad } from '@tapegrad/autograd';
import type { Module } from '@tapegrad/nn';
import type { OnnxAttributes, OnnxExportable } from './OnnxExportContext.js';
import type { LayerContext } from './layers/LayerExporter.js';
import { findExporter } from './layers/table.js';
import type { OnnxGraph } from './graph/OnnxGraph.js';
import { inferShape } from './graph/inferShape.js';

/** An error already prefixed with `exportOnnx: <path>:`, passed up unchanged by the enclosing modules. */
export class ExportError extends Error {}

const showPath = (path: string): string => (path === '' ? '(model)' : path);

function hookOf(m: Module): OnnxExportable['toOnnx'] | null {
  const hook: unknown = (m as Partial<OnnxExportable>).toOnnx;
  return typeof hook === 'function' ? (hook as OnnxExportable['toOnnx']) : null;
}

/** State shared by every module of one export: the graph, value shapes, initializers by tensor. */
export class ExportSession {
  readonly shapes = new Map<string, readonly number[]>();
  readonly params = new Map<Tensor, string>();

  constructor(readonly graph: OnnxGraph, readonly opset: number, readonly dynamicBatch: boolean) {}

  /** Exports `m` (at state-dict `path`) on `input`; returns its output's name. */
  run(m: Module, path: string, input: string): string {
    const scope: ModuleScope = new ModuleScope(this, m, path, input);
    try {
      const hook = hookOf(m);
      let out: unknown;
      if (hook) {
        out = hook.call(m, scope, input);
      } else {
        const fn = findExporter(m);
        if (typeof fn === 'string') scope.fail(fn);
        out = fn(m, scope, input);
      }
      if (typeof out !== 'string' || !this.graph.has(out)) {
        scope.fail(`${m.constructor.name}.toOnnx returned ${JSON.stringify(out)}, which is not a value of the graph; expected a name returned by ctx.node or ctx.module`);
      }
      if (!this.shapes.has(out)) this.shapes.set(out, scope.outShape());
      return out;
    } catch (e) {
      if (e instanceof ExportError) throw e;
      throw new ExportError(`exportOnnx: ${showPath(path)}: ${m.constructor.name}: ${(e as Error).message}`);
    }
  }
}

/** The context one module's exporter or hook sees. */
class ModuleScope implements LayerContext {
  private out: readonly number[] | null = null;
  private constants = 0;

  constructor(private readonly s: ExportSession, private readonly m: Module, readonly path: string, private readonly input: string) {}

  get opset(): number {
    return this.s.opset;
  }

  get dynamicBatch(): boolean {
    return this.s.dynamicBatch;
  }

  fail(reason: string): never {
    throw new ExportError(`exportOnnx: ${showPath(this.path)}: ${reason}`);
  }

  outShape(): readonly number[] {
    if (this.out === null) {
      const inShape = this.shape(this.input);
      try {
        this.out = noGrad(() => this.m.forward(zeros(inShape))).shape.slice();
      } catch (e) {
        this.fail(`${this.m.constructor.name} rejects input ${formatShape(inShape)}: ${(e as Error).message}`);
      }
    }
    return this.out;
  }

  node(opType: string, inputs: readonly string[], attributes: OnnxAttributes = {}): string {
    for (const name of inputs) {
      if (name !== '' && !this.s.graph.has(name)) this.fail(`node ${opType} reads ${JSON.stringify(name)}, which is not a value of the graph; expected names returned by ctx methods ('' for an omitted optional input)`);
    }
    const output = this.s.graph.uniqueName(`${this.path === '' ? 'model' : this.path}/${opType}`);
    try {
      this.s.graph.addNode(opType, inputs, output, attributes);
    } catch (e) {
      this.fail((e as Error).message);
    }
    const shape = inferShape(opType, inputs.map((name) => this.s.shapes.get(name)), attributes);
    if (shape !== null) this.s.shapes.set(output, shape);
    return output;
  }

  module(child: Module, input: string): string {
    const found = this.m.namedModules().find(([key, sub]) => key !== '' && sub === child);
    if (!found) this.fail(`ctx.module got a ${child.constructor.name} that is not a submodule of ${this.m.constructor.name}; expected one of its own children`);
    return this.s.run(child, this.path === '' ? found[0] : `${this.path}.${found[0]}`, input);
  }

  param(t: Tensor, name: string): string {
    const known = this.s.params.get(t);
    if (known !== undefined) return known;
    const key = this.s.graph.uniqueName(this.path === '' ? name : `${this.path}.${name}`);
    this.s.graph.addFloat(key, t.shape, t.values());
    this.s.params.set(t, key);
    this.s.shapes.set(key, t.shape);
    return key;
  }

  constant(value: Tensor | Float32Array | number | readonly number[], shape?: readonly number[]): string {
    const name = this.s.graph.uniqueName(`${this.path === '' ? 'model' : this.path}.const${this.constants++}`);
    if (value instanceof Tensor) {
      this.s.graph.addFloat(name, value.shape, value.values());
      this.s.shapes.set(name, value.shape);
      return name;
    }
    const values = typeof value === 'number' ? Float32Array.of(value) : Float32Array.from(value);
    const dims = shape ?? (typeof value === 'number' ? [] : [values.length]);
    if (dims.reduce((a, b) => a * b, 1) !== values.length) this.fail(`ctx.constant got ${values.length} values for shape ${formatShape(dims)}; expected ${dims.reduce((a, b) => a * b, 1)}`);
    this.s.graph.addFloat(name, dims, values);
    this.s.shapes.set(name, dims);
    return name;
  }

  int64(values: readonly number[]): string {
    if (!values.every(Number.isInteger)) this.fail(`ctx.int64 got [${values.join(', ')}]; expected integers`);
    const name = this.s.graph.uniqueName(`${this.path === '' ? 'model' : this.path}.const${this.constants++}`);
    this.s.graph.addInt64(name, values);
    this.s.shapes.set(name, [values.length]);
    return name;
  }

  shape(value: string): readonly number[] {
    const shape = this.s.shapes.get(value);
    if (shape === undefined) this.fail(`ctx.shape(${JSON.stringify(value)}): its shape is unknown (known: module inputs and outputs, initializers, and elementwise, Concat and Flatten results); expected such a value`);
    return shape;
  }
}
