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
/** Elements from one sample's output (and output gradient) to the next's: outSampleStride. */
export const CONV_OUT_STRIDE = 16;
export const CONV_SLOTS = 17;

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

/**
 * A Winograd convolution's geometry (src/winograd.ts writes it, assembly/winograd.ts reads it): the
 * CONV_* slots, then these, all derived from the convolution and the variant by the host.
 */
export const WINO_VARIANT = 17;
/** Output tile side m and input tile side T = m + r - 1. */
export const WINO_M = 18;
export const WINO_T = 19;
/** Tile rows ceil(Ho / m) and tile columns ceil(Wo / m) per image. */
export const WINO_TH = 20;
export const WINO_TW = 21;
/** C and O rounded up to a multiple of 8 (the GEMM micro-kernel's width). */
export const WINO_CP = 22;
export const WINO_OP = 23;
/** The zero-padded input plane (TH * m + r - 1) x (TW * m + r - 1). */
export const WINO_HP = 24;
export const WINO_WP = 25;
/** Tiles transformed and multiplied together (a multiple of 4), and images per unit of work. */
export const WINO_BLOCK = 26;
export const WINO_GROUP = 27;
export const WINO_SLOTS = 28;

/** The Winograd variants F(m x m, r x r) (WINO_VARIANT). */
export const WINO_F2_3 = 0;
export const WINO_F4_3 = 1;
export const WINO_F2_5 = 2;
export const WINO_F4_5 = 3;
