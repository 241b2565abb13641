// The layouts the host writes into WebAssembly memory and the AssemblyScript kernels read, written
// once: src/*.ts and assembly/*.ts both import this file (integer constants mean the same in both
// languages). A geometry is a block of int32 at a pointer; each constant is a slot index.

/** Conv2dGeometry (packages/tensor) as CONV_SLOTS int32. */
export const CONV_N = 0;
export const CONV_C = 1;
export const CONV_H = 2;
export const CONV_W = 3;
export const CONV_O = 4;
export const CONV_KH = 5;
export const CONV_KW = 6;
export const CONV_STRIDE_H = 7;
export const CONV_STRIDE_W = 8;
export const CONV_PAD_H = 9;
export const CONV_PAD_W = 10;
export const CONV_DILATION_H = 11;
export const CONV_DILATION_W = 12;
export const CONV_GROUPS = 13;
export const CONV_HO = 14;
export const CONV_WO = 15;
export const CONV_SLOTS = 16;

/** Pool2dGeometry (packages/tensor) as POOL_SLOTS int32. */
export const POOL_PLANES = 0;
export const POOL_IN_H = 1;
export const POOL_IN_W = 2;
export const POOL_OUT_H = 3;
export const POOL_OUT_W = 4;
export const POOL_KH = 5;
export const POOL_KW = 6;
export const POOL_STRIDE_H = 7;
export const POOL_STRIDE_W = 8;
export const POOL_PAD_H = 9;
export const POOL_PAD_W = 10;
export const POOL_DILATION_H = 11;
export const POOL_DILATION_W = 12;
export const POOL_SLOTS = 13;

/** An Epilogue (packages/tensor) as the int32 argument of the kernels that apply one. */
export const EPILOGUE_NONE = 0;
export const EPILOGUE_RELU = 1;
