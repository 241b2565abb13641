import { Tensor } from './Tensor.js';
import { formatShape } from './validate.js';

/**
 * A value as an error message shows it, on one line: a Tensor, or anything holding one in `data`
 * (a Variable), by its class and shape (`Tensor of shape [2, 3]`), since printing its values
 * would span lines; anything else as String(v).
 */
export function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `Tensor of shape ${formatShape(v.shape)}`;
  if (typeof v === 'object' && v !== null && 'data' in v && v.data instanceof Tensor) {
    return `${v.constructor.name} of shape ${formatShape(v.data.shape)}`;
  }
  return String(v);
}
