import type { Tensor } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';

/**
 * An ONNX node attribute: a plain integer is an INT, an integer array INTS, a string STRING;
 * floats are spelled out (`{ float: 0.01 }`, `{ floats: [...] }`) because a JavaScript number
 * does not say whether the operator wants an int or a float (Elu's alpha 1 must be a FLOAT).
 */
export type OnnxAttribute = number | readonly number[] | string | { readonly float: number } | { readonly floats: readonly number[] };

/** Attributes of one node by name. */
export type OnnxAttributes = Readonly<Record<string, OnnxAttribute>>;

/**
 * What `exportOnnx` hands a module's `toOnnx(ctx, input)` hook: values are named by strings, and
 * every method returns the name of the value it made. Shapes are those of the `inputShape` given
 * to `exportOnnx` (dim 0 is symbolic in the file under `dynamicBatch`, so a hook that reshapes
 * keeps it as 0 or -1).
 */
export interface OnnxExportContext {
  /** The opset the model is written for (13 to 21). */
  readonly opset: number;
  /** Adds a node of the default ONNX domain and returns the name of its (single) output. */
  node(opType: string, inputs: readonly string[], attributes?: OnnxAttributes): string;
  /** Exports one of this module's submodules on `input` (a library layer or its own hook); returns its output. */
  module(child: Module, input: string): string;
  /** A float32 initializer: a tensor (its shape), a number (a scalar, shape []) or a list (1-D, or of `shape`). */
  constant(value: Tensor | Float32Array | number | readonly number[], shape?: readonly number[]): string;
  /** A 1-D int64 initializer (shapes, pads, axes). */
  int64(values: readonly number[]): string;
  /**
   * The shape of `value`: known for module inputs and outputs, initializers, and the results of
   * elementwise ops, Concat and Flatten on known shapes; throws for others (e.g. after a Reshape).
   */
  shape(value: string): readonly number[];
}

/**
 * A module that exports itself: `exportOnnx` calls `toOnnx` instead of looking the module up in its
 * table of library layers. `input` names the module's input value; return the output's name.
 * A module can implement it without importing this package (the context is used structurally).
 */
export interface OnnxExportable {
  toOnnx(ctx: OnnxExportContext, input: string): string;
}

export interface ExportOnnxOptions {
  /** The input's shape, batch dim first, e.g. `[1, 1, 28, 28]`. */
  inputShape: readonly number[];
  /** ONNX opset, 13 to 21. @default 17 */
  opset?: number;
  /** Make dim 0 of the input and output symbolic (`N`), so the file takes any batch size. @default false */
  dynamicBatch?: boolean;
}
