import type { Tensor } from '@tapegrad/tensor';
import type { Module } from '@tapegrad/nn';
import type { OnnxExportContext } from '../OnnxExportContext.js';

/** What the exporter of a library layer gets besides the hook's context. */
export interface LayerContext extends OnnxExportContext {
  /** The layer's state-dict path (`3`, `features.1.squeeze`; '' for the model itself). */
  readonly path: string;
  /** Dim 0 is symbolic in the file: reshapes keep it as 0 or -1, sizes are built from Shape. */
  readonly dynamicBatch: boolean;
  /** Throws `exportOnnx: <path>: <reason>`. */
  fail(reason: string): never;
  /** The layer's output shape: its eval forward on zeros of the input's shape (computed once). */
  outShape(): readonly number[];
  /** A parameter or buffer as an initializer named after the layer (`3.weight`), once per tensor. */
  param(t: Tensor, name: string): string;
}

/** Writes the nodes of one layer kind and returns its output's name. */
export type LayerExporter<M extends Module> = (m: M, ctx: LayerContext, input: string) => string;
