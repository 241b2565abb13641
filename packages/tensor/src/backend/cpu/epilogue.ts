import type { Epilogue, EpilogueOutput } from '../Epilogue.js';
import { reluBackward, unary } from './unary.js';

/** Applies `epilogue` to out[0 .. n) in place (the CPU kernels' epilogue: one pass after the kernel). */
export function applyEpilogue(epilogue: Epilogue, out: Float32Array, n: number): void {
  if (epilogue === 'relu') unary('relu', out, 0, n, out, 0, 0);
}

/**
 * gradOut passed through the epilogue's backward (a new array of n elements), or gradOut itself when
 * there is no epilogue: what a backward kernel starts from.
 */
export function undoEpilogue(epilogue: EpilogueOutput | null, gradOut: Float32Array, n: number): Float32Array {
  if (epilogue === null) return gradOut;
  const masked = new Float32Array(n);
  reluBackward(epilogue.out, 0, gradOut, 0, n, masked);
  return masked;
}
