/** A PyTorch pooling window over n spatial dims, written with ONNX's explicit pads. */
export interface OnnxWindow {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** ONNX `pads`: all begin pads, then all end pads. */
  pads: number[];
  /** PyTorch's output size per spatial dim. */
  out: number[];
  /** Some window reaches past the right padding (ceilMode's last partial window). */
  overhang: boolean;
}

/**
 * PyTorch's pooling_output_shape: floor((L + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1, minus one
 * when ceilMode would start the last window in the right padding.
 */
export function poolOutputSize(L: number, k: number, s: number, p: number, d: number, ceilMode: boolean): number {
  let out = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceilMode ? s - 1 : 0)) / s) + 1;
  if (ceilMode && (out - 1) * s >= L + p) out--;
  return out;
}

/**
 * The window with ceil_mode expressed as extra end padding instead of ONNX's ceil_mode, whose rule
 * for a last window starting in the padding differs from PyTorch's: end pad = what the last window
 * needs, at least the padding. ONNX's floor formula then gives PyTorch's output size exactly.
 */
export function onnxWindow(inSpatial: readonly number[], kernel: readonly number[], stride: readonly number[],
  padding: readonly number[], dilation: readonly number[], ceilMode: boolean): OnnxWindow {
  const out = inSpatial.map((L, i) => poolOutputSize(L, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode));
  const end = inSpatial.map((L, i) => Math.max(padding[i]!, (out[i]! - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 - L - padding[i]!));
  return {
    kernel: kernel.slice(), strides: stride.slice(), dilations: dilation.slice(), pads: [...padding, ...end], out,
    overhang: end.some((e, i) => e > padding[i]!),
  };
}
