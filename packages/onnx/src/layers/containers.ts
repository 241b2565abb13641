import type { Sequential } from '@tapegrad/nn';
import type { LayerExporter } from './LayerExporter.js';

/** Its layers in order, each exported under its index (`3`, `features.3`). */
export const exportSequential: LayerExporter<Sequential> = (m, ctx, input) => {
  if (m.layers.length === 0) ctx.fail('Sequential has no layers; expected at least one');
  return m.layers.reduce((x, layer) => ctx.module(layer, x), input);
};
