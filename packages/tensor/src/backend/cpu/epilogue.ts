import type { Epilogue, EpilogueOutput } from '../Epilogue.js';
import { reluBackward, unary } from './unary.js';

/**
 * Applies `epilogue` in place to `rows` runs of `len` elements of out, `stride` apart (by default one
 * run: out[0 .. len)): the CPU kernels' epilogue, one pass after the kernel.
 */
export function applyEpilogue(epilogue: Epilogue, out: Float32Array, len: number, rows = 1, stride = len): void {
  if (epilogue !== 'relu') return;
  for (let r = 0; r < rows; r++) {
    const run = out.subarray(r * stride, r * stride + len);
    unary('relu', run, 0, len, run, 0, 0);
  }
}

/**
 * gradOut passed through the epilogue's backward, or gradOut itself when there is no epilogue: what a
 * backward kernel starts from. gradOut and the epilogue's output are `rows` runs of `len` elements,
 * `stride` apart (by default one run); the result of a backward is a new array of the runs back to
 * back (rows * len elements).
 */
export function undoEpilogue(epilogue: EpilogueOutput | null, gradOut: Float32Array, len: number, rows = 1, stride = len): Float32Array {
  if (epilogue === null) return gradOut;
  const masked = new Float32Array(rows * len);
  for (let r = 0; r < rows; r++) reluBackward(epilogue.out, r * stride, gradOut, r * stride, len, masked.subarray(r * len, (r + 1) * len));
  return masked;
}
