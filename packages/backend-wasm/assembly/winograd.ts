// Winograd convolution F(m x m, r x r) (Lavin & Gray 2015) for stride 1, dilation 1, groups 1, with
// a 3x3 or 5x5 kernel: the output in m x m tiles, each computed from the T x T input patch under it
// (T = m + r - 1) as Y = A^T [ (G g G^T) ⊙ (B^T d B) ] A. Summed over input channels, the products
// of one of the T*T positions xi are one GEMM (O x C times C x tiles), so a convolution is T*T GEMMs
// of fewer multiply-adds than im2col's one (F(2,3): 2.25x fewer, F(4,3): 4x, F(2,5): 2.8x, F(4,5):
// 6.25x; minus the tiles' overhang past the output's edges).
//
// The matrices come from Toom-Cook interpolation at the points 0, 1, -1 (T = 4), 0, 1, -1, 2, -2
// (T = 6) or 0, 1, -1, 2, -2, 1/2, -1/2 (T = 8), and infinity (A^T: the output polynomial's
// evaluation, G: the kernel's, B^T: the inverse of the input's; each row of B^T scaled to small
// integers, G's row divided by the same factor):
//
//   B^T (T = 4)        A^T F(2,3)       G F(2,3)
//   1  0 -1  0         1  1  1  0       1    0    0
//   0  1  1  0         0  1 -1  1       1/2  1/2  1/2
//   0 -1  1  0                          1/2 -1/2  1/2
//   0 -1  0  1                          0    0    1
//
//   B^T (T = 6)            A^T F(4,3)          A^T F(2,5)         G F(4,3)             G F(2,5)
//   4  0 -5  0  1  0       1  1  1  1  1  0    1  1  1  1  1  0   1/4   0    0        1/4   0    0    0    0
//   0  4  4 -1 -1  0       0  1 -1  2 -2  0    0  1 -1  2 -2  1   1/6   1/6  1/6      1/6   1/6  1/6  1/6  1/6
//   0 -4  4  1 -1  0       0  1  1  4  4  0                       1/6  -1/6  1/6      1/6  -1/6  1/6 -1/6  1/6
//   0 -2 -1  2  1  0       0  1 -1  8 -8  1                       1/24  1/12 1/6      1/24  1/12 1/6  1/3  2/3
//   0  2 -1 -2  1  0                                              1/24 -1/12 1/6      1/24 -1/12 1/6 -1/3  2/3
//   0  4  0 -5  0  1                                              0     0    1        0     0    0    0    1
//
//   B^T (T = 8)                    A^T F(4,5)                        G F(4,5)
//   4   0 -21   0  21   0  -4  0   1  1  1  1  1  1    1     0       1/4    0      0     0     0
//   0  -4  -4  17  17  -4  -4  0   0  1 -1  2 -2  1/2 -1/2   0       1/18   1/18   1/18  1/18  1/18
//   0   4  -4 -17  17   4  -4  0   0  1  1  4  4  1/4  1/4   0       1/18  -1/18   1/18 -1/18  1/18
//   0   2   1 -10  -5   8   4  0   0  1 -1  8 -8  1/8 -1/8   1       1/360  1/180  1/90  1/45  2/45
//   0  -2   1  10  -5  -8   4  0                                     1/360 -1/180  1/90 -1/45  2/45
//   0   4   8  -5 -10   1   2  0                                     16/45  8/45   4/45  2/45  1/45
//   0  -4   8   5 -10  -1   2  0                                     16/45 -8/45   4/45 -2/45  1/45
//   0  -4   0  21   0 -21   0  4                                     0      0      0     0     1/4
//
// Layouts (floats; the host takes every buffer from the arena, src/winograd.ts):
// - xb, the input zero-padded and channel-blocked: [n][C/4][HP][WP][4], channel 4cg + l in lane l
//   (CP = C rounded up to 8, so lanes past C are 0), so a tile's patch is T rows of T vectors and
//   the transforms work on four channels per f32x4 lane group. gxb, the input gradient before it is
//   unpadded, has the same layout; gyb, the output gradient, [n][OP/4][TH*m][TW*m][4] (0 past Ho, Wo).
// - U, the transformed weights: forward [xi][CP][OP] (U[xi][c][o]), input gradient [xi][OP][CP];
//   like every T*T-matrix buffer here, each position's matrix is followed by XI_PAD floats.
// - per thread, for a block of BLOCK tiles (a multiple of 4; rows past the block's tiles are 0):
//   V [xi][BLOCK][CP] (the input, transformed), Y [xi][BLOCK][OP] (products before the output
//   transform, or the output gradient transformed), Y2 (the output gradient again, in panels),
//   dV [xi][BLOCK][CP] (the input gradient before its transform), then scratch for four tiles. A
//   GEMM's left operand is kept in panels, [BLOCK/4][width][4]: the four tiles of a row group side
//   by side for each channel, so the micro-kernel splats them from one 16-byte line.
// - the weight gradient, per thread: [xi][OP][CP] (+ XI_PAD), summed and transformed back by
//   winogradWeightGrad.
// The GEMMs read these directly (4 rows of the left operand, 8 columns of the right one, no packing),
// so one block's transforms, products and back-transforms stay in cache.
//
// The inputs are all in the arena before a kernel starts: no kernel here waits for the host
// (memory.atomic.wait32); see winogradForward.
import {
  CONV_N, CONV_C, CONV_H, CONV_W, CONV_O, CONV_KH, CONV_PAD_H, CONV_PAD_W, CONV_HO, CONV_WO, CONV_OUT_STRIDE, EPILOGUE_RELU,
  WINO_VARIANT, WINO_M, WINO_T, WINO_TH, WINO_TW, WINO_CP, WINO_OP, WINO_HP, WINO_WP, WINO_BLOCK, WINO_GROUP,
  WINO_F2_3, WINO_F4_3, WINO_F2_5, WINO_F4_5,
} from '../src/layout';
import { kernel4x8 } from './gemm';

// @ts-ignore: decorator
@inline function g(geom: usize, i: i32): i32 { return load<i32>(geom + (<usize>i << 2)); }

// ---- the 1-D transforms, on four lanes at a time ----
// Each reads its inputs at s, s + ss, ... and writes (or, with `add`, adds) its outputs at d, d + ds,
// ... (byte steps). They are built from `lin`, a sum of constant multiples whose zero terms and unit
// factors fold away once inlined with literal coefficients.

// @ts-ignore: decorator
@inline function scaled(v: v128, c: f32): v128 {
  return c == 1 ? v : c == -1 ? f32x4.neg(v) : f32x4.mul(v, f32x4.splat(c));
}

// @ts-ignore: decorator
@inline function plus(s: v128, v: v128, c: f32): v128 {
  return c == 1 ? f32x4.add(s, v) : c == -1 ? f32x4.sub(s, v) : f32x4.add(s, f32x4.mul(v, f32x4.splat(c)));
}

/** c0 v0 + ... + c7 v7 over the nonzero coefficients (pass 0 for unused inputs). */
// @ts-ignore: decorator
@inline function lin8(v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128, v6: v128, v7: v128,
  c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32): v128 {
  let s = f32x4.splat(0), have = false;
  if (c0 != 0) { s = have ? plus(s, v0, c0) : scaled(v0, c0); have = true; }
  if (c1 != 0) { s = have ? plus(s, v1, c1) : scaled(v1, c1); have = true; }
  if (c2 != 0) { s = have ? plus(s, v2, c2) : scaled(v2, c2); have = true; }
  if (c3 != 0) { s = have ? plus(s, v3, c3) : scaled(v3, c3); have = true; }
  if (c4 != 0) { s = have ? plus(s, v4, c4) : scaled(v4, c4); have = true; }
  if (c5 != 0) { s = have ? plus(s, v5, c5) : scaled(v5, c5); have = true; }
  if (c6 != 0) { s = have ? plus(s, v6, c6) : scaled(v6, c6); have = true; }
  if (c7 != 0) { s = have ? plus(s, v7, c7) : scaled(v7, c7); have = true; }
  return s;
}

/** lin8 of six inputs. */
// @ts-ignore: decorator
@inline function lin(v0: v128, v1: v128, v2: v128, v3: v128, v4: v128, v5: v128,
  c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32): v128 {
  const z = f32x4.splat(0);
  return lin8(v0, v1, v2, v3, v4, v5, z, z, c0, c1, c2, c3, c4, c5, 0, 0);
}

// @ts-ignore: decorator
@inline function ld(s: usize, ss: usize, i: i32): v128 { return v128.load(s + <usize>i * ss); }

// @ts-ignore: decorator
@inline function put(d: usize, ds: usize, i: i32, v: v128, add: bool): void {
  const p = d + <usize>i * ds;
  v128.store(p, add ? f32x4.add(v128.load(p), v) : v);
}

/** B^T x, T = 4. */
// @ts-ignore: decorator
@inline function bt4(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  put(d, ds, 0, f32x4.sub(v0, v2), add);
  put(d, ds, 1, f32x4.add(v1, v2), add);
  put(d, ds, 2, f32x4.sub(v2, v1), add);
  put(d, ds, 3, f32x4.sub(v3, v1), add);
}

/** B x (the adjoint of bt4). */
// @ts-ignore: decorator
@inline function b4(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  put(d, ds, 0, v0, add);
  put(d, ds, 1, f32x4.sub(f32x4.sub(v1, v2), v3), add);
  put(d, ds, 2, f32x4.sub(f32x4.add(v1, v2), v0), add);
  put(d, ds, 3, v3, add);
}

/** B^T x, T = 6. */
// @ts-ignore: decorator
@inline function bt6(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4), v5 = ld(s, ss, 5);
  // rows 1, 2 and 3, 4 share their even and odd parts (the points +-1 and +-2)
  const e1 = f32x4.sub(scaled(v2, 4), v4), o1 = f32x4.sub(scaled(v1, 4), v3);
  const e2 = f32x4.sub(v4, v2), o2 = scaled(f32x4.sub(v3, v1), 2);
  put(d, ds, 0, f32x4.add(scaled(f32x4.sub(v0, v2), 4), f32x4.sub(v4, v2)), add);
  put(d, ds, 1, f32x4.add(e1, o1), add);
  put(d, ds, 2, f32x4.sub(e1, o1), add);
  put(d, ds, 3, f32x4.add(e2, o2), add);
  put(d, ds, 4, f32x4.sub(e2, o2), add);
  put(d, ds, 5, f32x4.add(scaled(f32x4.sub(v1, v3), 4), f32x4.sub(v5, v3)), add);
}

/** B x (the adjoint of bt6: its columns). */
// @ts-ignore: decorator
@inline function b6(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4), v5 = ld(s, ss, 5);
  const s12 = f32x4.add(v1, v2), d12 = f32x4.sub(v1, v2), s34 = f32x4.add(v3, v4), d34 = f32x4.sub(v3, v4), z = f32x4.splat(0);
  put(d, ds, 0, scaled(v0, 4), add);
  put(d, ds, 1, lin(d12, d34, v5, z, z, z, 4, -2, 4, 0, 0, 0), add);
  put(d, ds, 2, lin(s12, s34, v0, z, z, z, 4, -1, -5, 0, 0, 0), add);
  put(d, ds, 3, lin(d12, d34, v5, z, z, z, -1, 2, -5, 0, 0, 0), add);
  put(d, ds, 4, f32x4.add(f32x4.sub(v0, s12), s34), add);
  put(d, ds, 5, v5, add);
}

/** A^T x for F(2,3): 4 values to 2. */
// @ts-ignore: decorator
@inline function at23(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  put(d, ds, 0, f32x4.add(f32x4.add(v0, v1), v2), false);
  put(d, ds, 1, f32x4.add(f32x4.sub(v1, v2), v3), false);
}

/** A x for F(2,3): 2 values to 4. */
// @ts-ignore: decorator
@inline function a23(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1);
  put(d, ds, 0, v0, false);
  put(d, ds, 1, f32x4.add(v0, v1), false);
  put(d, ds, 2, f32x4.sub(v0, v1), false);
  put(d, ds, 3, v1, false);
}

/** A^T x for F(4,3): 6 values to 4. */
// @ts-ignore: decorator
@inline function at43(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4), v5 = ld(s, ss, 5);
  const s12 = f32x4.add(v1, v2), d12 = f32x4.sub(v1, v2), s34 = f32x4.add(v3, v4), d34 = f32x4.sub(v3, v4);
  put(d, ds, 0, f32x4.add(f32x4.add(v0, s12), s34), false);
  put(d, ds, 1, f32x4.add(d12, scaled(d34, 2)), false);
  put(d, ds, 2, f32x4.add(s12, scaled(s34, 4)), false);
  put(d, ds, 3, f32x4.add(f32x4.add(d12, scaled(d34, 8)), v5), false);
}

/** A x for F(4,3): 4 values to 6. */
// @ts-ignore: decorator
@inline function a43(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  const e1 = f32x4.add(v0, v2), o1 = f32x4.add(v1, v3);
  const e2 = f32x4.add(v0, scaled(v2, 4)), o2 = f32x4.add(scaled(v1, 2), scaled(v3, 8));
  put(d, ds, 0, v0, false);
  put(d, ds, 1, f32x4.add(e1, o1), false);
  put(d, ds, 2, f32x4.sub(e1, o1), false);
  put(d, ds, 3, f32x4.add(e2, o2), false);
  put(d, ds, 4, f32x4.sub(e2, o2), false);
  put(d, ds, 5, v3, false);
}

/** A^T x for F(2,5): 6 values to 2. */
// @ts-ignore: decorator
@inline function at25(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4), v5 = ld(s, ss, 5);
  put(d, ds, 0, f32x4.add(f32x4.add(v0, f32x4.add(v1, v2)), f32x4.add(v3, v4)), false);
  put(d, ds, 1, f32x4.add(f32x4.add(f32x4.sub(v1, v2), scaled(f32x4.sub(v3, v4), 2)), v5), false);
}

/** A x for F(2,5): 2 values to 6. */
// @ts-ignore: decorator
@inline function a25(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1);
  put(d, ds, 0, v0, false);
  put(d, ds, 1, f32x4.add(v0, v1), false);
  put(d, ds, 2, f32x4.sub(v0, v1), false);
  put(d, ds, 3, f32x4.add(v0, f32x4.add(v1, v1)), false);
  put(d, ds, 4, f32x4.sub(v0, f32x4.add(v1, v1)), false);
  put(d, ds, 5, v1, false);
}

/** B^T x, T = 8 (points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity). */
// @ts-ignore: decorator
@inline function bt8(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  const v4 = ld(s, ss, 4), v5 = ld(s, ss, 5), v6 = ld(s, ss, 6), v7 = ld(s, ss, 7), z = f32x4.splat(0);
  // rows 1, 2 (points +-1), 3, 4 (+-2) and 5, 6 (+-1/2) share their even and odd parts
  const e1 = lin(f32x4.add(v2, v6), v4, z, z, z, z, -4, 17, 0, 0, 0, 0), o1 = lin(f32x4.add(v1, v5), v3, z, z, z, z, -4, 17, 0, 0, 0, 0);
  const e2 = lin(v2, v4, v6, z, z, z, 1, -5, 4, 0, 0, 0), o2 = lin(v1, v3, v5, z, z, z, 2, -10, 8, 0, 0, 0);
  const e3 = lin(v2, v4, v6, z, z, z, 8, -10, 2, 0, 0, 0), o3 = lin(v1, v3, v5, z, z, z, 4, -5, 1, 0, 0, 0);
  put(d, ds, 0, lin(f32x4.sub(v0, v6), f32x4.sub(v4, v2), z, z, z, z, 4, 21, 0, 0, 0, 0), add);
  put(d, ds, 1, f32x4.add(e1, o1), add);
  put(d, ds, 2, f32x4.sub(e1, o1), add);
  put(d, ds, 3, f32x4.add(e2, o2), add);
  put(d, ds, 4, f32x4.sub(e2, o2), add);
  put(d, ds, 5, f32x4.add(e3, o3), add);
  put(d, ds, 6, f32x4.sub(e3, o3), add);
  put(d, ds, 7, lin(f32x4.sub(v7, v1), f32x4.sub(v3, v5), z, z, z, z, 4, 21, 0, 0, 0, 0), add);
}

/** B x (the adjoint of bt8: its columns). */
// @ts-ignore: decorator
@inline function b8(s: usize, ss: usize, d: usize, ds: usize, add: bool): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  const v4 = ld(s, ss, 4), v5 = ld(s, ss, 5), v6 = ld(s, ss, 6), v7 = ld(s, ss, 7);
  const s12 = f32x4.add(v1, v2), d12 = f32x4.sub(v1, v2), s34 = f32x4.add(v3, v4), d34 = f32x4.sub(v3, v4);
  const s56 = f32x4.add(v5, v6), d56 = f32x4.sub(v5, v6), z = f32x4.splat(0);
  put(d, ds, 0, scaled(v0, 4), add);
  put(d, ds, 1, lin(d12, d34, d56, v7, z, z, -4, 2, 4, -4, 0, 0), add);
  put(d, ds, 2, lin(v0, s12, s34, s56, z, z, -21, -4, 1, 8, 0, 0), add);
  put(d, ds, 3, lin(d12, d34, d56, v7, z, z, 17, -10, -5, 21, 0, 0), add);
  put(d, ds, 4, lin(v0, s12, s34, s56, z, z, 21, 17, -5, -10, 0, 0), add);
  put(d, ds, 5, lin(d12, d34, d56, v7, z, z, -4, 8, 1, -21, 0, 0), add);
  put(d, ds, 6, lin(v0, s12, s34, s56, z, z, -4, -4, 4, 2, 0, 0), add);
  put(d, ds, 7, scaled(v7, 4), add);
}

/** A^T x for F(4,5): 8 values to 4. */
// @ts-ignore: decorator
@inline function at45(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
  const v4 = ld(s, ss, 4), v5 = ld(s, ss, 5), v6 = ld(s, ss, 6), v7 = ld(s, ss, 7);
  const s12 = f32x4.add(v1, v2), d12 = f32x4.sub(v1, v2), s34 = f32x4.add(v3, v4), d34 = f32x4.sub(v3, v4);
  const s56 = f32x4.add(v5, v6), d56 = f32x4.sub(v5, v6), z = f32x4.splat(0);
  put(d, ds, 0, f32x4.add(f32x4.add(v0, s12), f32x4.add(s34, s56)), false);
  put(d, ds, 1, lin(d12, d34, d56, z, z, z, 1, 2, 0.5, 0, 0, 0), false);
  put(d, ds, 2, lin(s12, s34, s56, z, z, z, 1, 4, 0.25, 0, 0, 0), false);
  put(d, ds, 3, lin(d12, d34, d56, v7, z, z, 1, 8, 0.125, 1, 0, 0), false);
}

/** A x for F(4,5): 4 values to 8. */
// @ts-ignore: decorator
@inline function a45(s: usize, ss: usize, d: usize, ds: usize): void {
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), z = f32x4.splat(0);
  const e1 = f32x4.add(v0, v2), o1 = f32x4.add(v1, v3);
  const e2 = f32x4.add(v0, scaled(v2, 4)), o2 = lin(v1, v3, z, z, z, z, 2, 8, 0, 0, 0, 0);
  const e3 = f32x4.add(v0, scaled(v2, 0.25)), o3 = lin(v1, v3, z, z, z, z, 0.5, 0.125, 0, 0, 0, 0);
  put(d, ds, 0, v0, false);
  put(d, ds, 1, f32x4.add(e1, o1), false);
  put(d, ds, 2, f32x4.sub(e1, o1), false);
  put(d, ds, 3, f32x4.add(e2, o2), false);
  put(d, ds, 4, f32x4.sub(e2, o2), false);
  put(d, ds, 5, f32x4.add(e3, o3), false);
  put(d, ds, 6, f32x4.sub(e3, o3), false);
  put(d, ds, 7, v3, false);
}

/** G x: r kernel values to T (the weight transform). */
// @ts-ignore: decorator
@inline function gLine(variant: i32, s: usize, ss: usize, d: usize, ds: usize): void {
  const z = f32x4.splat(0);
  if (variant == WINO_F2_3) {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2);
    put(d, ds, 0, v0, false);
    put(d, ds, 1, lin(v0, v1, v2, z, z, z, 0.5, 0.5, 0.5, 0, 0, 0), false);
    put(d, ds, 2, lin(v0, v1, v2, z, z, z, 0.5, -0.5, 0.5, 0, 0, 0), false);
    put(d, ds, 3, v2, false);
  } else if (variant == WINO_F4_3) {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2);
    put(d, ds, 0, scaled(v0, 0.25), false);
    put(d, ds, 1, lin(v0, v1, v2, z, z, z, <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6), 0, 0, 0), false);
    put(d, ds, 2, lin(v0, v1, v2, z, z, z, <f32>(1.0 / 6), <f32>(-1.0 / 6), <f32>(1.0 / 6), 0, 0, 0), false);
    put(d, ds, 3, lin(v0, v1, v2, z, z, z, <f32>(1.0 / 24), <f32>(1.0 / 12), <f32>(1.0 / 6), 0, 0, 0), false);
    put(d, ds, 4, lin(v0, v1, v2, z, z, z, <f32>(1.0 / 24), <f32>(-1.0 / 12), <f32>(1.0 / 6), 0, 0, 0), false);
    put(d, ds, 5, v2, false);
  } else if (variant == WINO_F4_5) {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4);
    const e = <f32>(1.0 / 18), f = <f32>(1.0 / 45);
    put(d, ds, 0, scaled(v0, 0.25), false);
    put(d, ds, 1, lin(v0, v1, v2, v3, v4, z, e, e, e, e, e, 0), false);
    put(d, ds, 2, lin(v0, v1, v2, v3, v4, z, e, -e, e, -e, e, 0), false);
    put(d, ds, 3, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 360), <f32>(1.0 / 180), <f32>(1.0 / 90), f, 2 * f, 0), false);
    put(d, ds, 4, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 360), <f32>(-1.0 / 180), <f32>(1.0 / 90), -f, 2 * f, 0), false);
    put(d, ds, 5, lin(v0, v1, v2, v3, v4, z, 16 * f, 8 * f, 4 * f, 2 * f, f, 0), false);
    put(d, ds, 6, lin(v0, v1, v2, v3, v4, z, 16 * f, -8 * f, 4 * f, -2 * f, f, 0), false);
    put(d, ds, 7, scaled(v4, 0.25), false);
  } else {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4);
    put(d, ds, 0, scaled(v0, 0.25), false);
    put(d, ds, 1, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6), <f32>(1.0 / 6), 0), false);
    put(d, ds, 2, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 6), <f32>(-1.0 / 6), <f32>(1.0 / 6), <f32>(-1.0 / 6), <f32>(1.0 / 6), 0), false);
    put(d, ds, 3, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 24), <f32>(1.0 / 12), <f32>(1.0 / 6), <f32>(1.0 / 3), <f32>(2.0 / 3), 0), false);
    put(d, ds, 4, lin(v0, v1, v2, v3, v4, z, <f32>(1.0 / 24), <f32>(-1.0 / 12), <f32>(1.0 / 6), <f32>(-1.0 / 3), <f32>(2.0 / 3), 0), false);
    put(d, ds, 5, v4, false);
  }
}

/** G^T x: T values to r (the weight gradient's transform back; the adjoint of gLine). */
// @ts-ignore: decorator
@inline function gtLine(variant: i32, s: usize, ss: usize, d: usize, ds: usize): void {
  if (variant == WINO_F2_3) {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), z = f32x4.splat(0);
    put(d, ds, 0, lin(v0, v1, v2, v3, z, z, 1, 0.5, 0.5, 0, 0, 0), false);
    put(d, ds, 1, lin(v0, v1, v2, v3, z, z, 0, 0.5, -0.5, 0, 0, 0), false);
    put(d, ds, 2, lin(v0, v1, v2, v3, z, z, 0, 0.5, 0.5, 1, 0, 0), false);
    return;
  }
  if (variant == WINO_F4_5) {
    const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3);
    const v4 = ld(s, ss, 4), v5 = ld(s, ss, 5), v6 = ld(s, ss, 6), v7 = ld(s, ss, 7);
    const e = <f32>(1.0 / 18), f = <f32>(1.0 / 45);
    put(d, ds, 0, lin8(v0, v1, v2, v3, v4, v5, v6, v7, 0.25, e, e, <f32>(1.0 / 360), <f32>(1.0 / 360), 16 * f, 16 * f, 0), false);
    put(d, ds, 1, lin8(v0, v1, v2, v3, v4, v5, v6, v7, 0, e, -e, <f32>(1.0 / 180), <f32>(-1.0 / 180), 8 * f, -8 * f, 0), false);
    put(d, ds, 2, lin8(v0, v1, v2, v3, v4, v5, v6, v7, 0, e, e, <f32>(1.0 / 90), <f32>(1.0 / 90), 4 * f, 4 * f, 0), false);
    put(d, ds, 3, lin8(v0, v1, v2, v3, v4, v5, v6, v7, 0, e, -e, f, -f, 2 * f, -2 * f, 0), false);
    put(d, ds, 4, lin8(v0, v1, v2, v3, v4, v5, v6, v7, 0, e, e, 2 * f, 2 * f, f, f, 0.25), false);
    return;
  }
  const v0 = ld(s, ss, 0), v1 = ld(s, ss, 1), v2 = ld(s, ss, 2), v3 = ld(s, ss, 3), v4 = ld(s, ss, 4), v5 = ld(s, ss, 5);
  const sixth = <f32>(1.0 / 6);
  put(d, ds, 0, lin(v0, v1, v2, v3, v4, v5, 0.25, sixth, sixth, <f32>(1.0 / 24), <f32>(1.0 / 24), 0), false);
  put(d, ds, 1, lin(v0, v1, v2, v3, v4, v5, 0, sixth, -sixth, <f32>(1.0 / 12), <f32>(-1.0 / 12), 0), false);
  if (variant == WINO_F4_3) {
    put(d, ds, 2, lin(v0, v1, v2, v3, v4, v5, 0, sixth, sixth, sixth, sixth, 1), false);
  } else {
    put(d, ds, 2, lin(v0, v1, v2, v3, v4, v5, 0, sixth, sixth, sixth, sixth, 0), false);
    put(d, ds, 3, lin(v0, v1, v2, v3, v4, v5, 0, sixth, -sixth, <f32>(1.0 / 3), <f32>(-1.0 / 3), 0), false);
    put(d, ds, 4, lin(v0, v1, v2, v3, v4, v5, 0, sixth, sixth, <f32>(2.0 / 3), <f32>(2.0 / 3), 1), false);
  }
}

// ---- the 2-D tile transforms ----
// One function per tile size or variant (each inlines its own 1-D transforms only; the per-T
// dispatchers below are calls), each on one group of four channels.

/**
 * (B^T d B) of one tile: d the T x T patch at s (rows rs bytes apart, columns 16), the T*T results
 * to dst + xi * xs; `tmp` holds T*T vectors.
 */
function inputTile4(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 4; j++) bt4(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 64, false);
  for (let a = 0; a < 4; a++) bt4(tmp + (<usize>a << 6), 16, d + <usize>(a * 4) * xs, xs, false);
}
function inputTile6(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 6; j++) bt6(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 96, false);
  for (let a = 0; a < 6; a++) bt6(tmp + <usize>a * 96, 16, d + <usize>(a * 6) * xs, xs, false);
}
function inputTile8(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 8; j++) bt8(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 128, false);
  for (let a = 0; a < 8; a++) bt8(tmp + (<usize>a << 7), 16, d + <usize>(a * 8) * xs, xs, false);
}
// @ts-ignore: decorator
@inline function inputTile(T: i32, s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  if (T == 4) inputTile4(s, rs, tmp, d, xs); else if (T == 6) inputTile6(s, rs, tmp, d, xs); else inputTile8(s, rs, tmp, d, xs);
}

/** B dV B^T of one tile (dV[xi] at s + xi * xs), added into the T x T patch at d (rows rs apart). */
function inputTileAdjoint4(s: usize, xs: usize, tmp: usize, d: usize, rs: usize): void {
  for (let b = 0; b < 4; b++) b4(s + <usize>b * xs, 4 * xs, tmp + (<usize>b << 4), 64, false);
  for (let i = 0; i < 4; i++) b4(tmp + (<usize>i << 6), 16, d + <usize>i * rs, 16, true);
}
function inputTileAdjoint6(s: usize, xs: usize, tmp: usize, d: usize, rs: usize): void {
  for (let b = 0; b < 6; b++) b6(s + <usize>b * xs, 6 * xs, tmp + (<usize>b << 4), 96, false);
  for (let i = 0; i < 6; i++) b6(tmp + <usize>i * 96, 16, d + <usize>i * rs, 16, true);
}
function inputTileAdjoint8(s: usize, xs: usize, tmp: usize, d: usize, rs: usize): void {
  for (let b = 0; b < 8; b++) b8(s + <usize>b * xs, 8 * xs, tmp + (<usize>b << 4), 128, false);
  for (let i = 0; i < 8; i++) b8(tmp + (<usize>i << 7), 16, d + <usize>i * rs, 16, true);
}
// @ts-ignore: decorator
@inline function inputTileAdjoint(T: i32, s: usize, xs: usize, tmp: usize, d: usize, rs: usize): void {
  if (T == 4) inputTileAdjoint4(s, xs, tmp, d, rs); else if (T == 6) inputTileAdjoint6(s, xs, tmp, d, rs); else inputTileAdjoint8(s, xs, tmp, d, rs);
}

/** A^T Y A of one tile (Y[xi] at s + xi * xs) into res (m x m vectors, rows m*16 apart). */
function outputTile23(s: usize, xs: usize, tmp: usize, res: usize): void {
  for (let b = 0; b < 4; b++) at23(s + <usize>b * xs, 4 * xs, tmp + (<usize>b << 4), 64);
  for (let i = 0; i < 2; i++) at23(tmp + (<usize>i << 6), 16, res + (<usize>i << 5), 16);
}
function outputTile43(s: usize, xs: usize, tmp: usize, res: usize): void {
  for (let b = 0; b < 6; b++) at43(s + <usize>b * xs, 6 * xs, tmp + (<usize>b << 4), 96);
  for (let i = 0; i < 4; i++) at43(tmp + <usize>i * 96, 16, res + (<usize>i << 6), 16);
}
function outputTile25(s: usize, xs: usize, tmp: usize, res: usize): void {
  for (let b = 0; b < 6; b++) at25(s + <usize>b * xs, 6 * xs, tmp + (<usize>b << 4), 96);
  for (let i = 0; i < 2; i++) at25(tmp + <usize>i * 96, 16, res + (<usize>i << 5), 16);
}
function outputTile45(s: usize, xs: usize, tmp: usize, res: usize): void {
  for (let b = 0; b < 8; b++) at45(s + <usize>b * xs, 8 * xs, tmp + (<usize>b << 4), 128);
  for (let i = 0; i < 4; i++) at45(tmp + (<usize>i << 7), 16, res + (<usize>i << 6), 16);
}
// @ts-ignore: decorator
@inline function outputTile(variant: i32, s: usize, xs: usize, tmp: usize, res: usize): void {
  if (variant == WINO_F2_3) outputTile23(s, xs, tmp, res);
  else if (variant == WINO_F4_3) outputTile43(s, xs, tmp, res);
  else if (variant == WINO_F2_5) outputTile25(s, xs, tmp, res);
  else outputTile45(s, xs, tmp, res);
}

/** A dY A^T of one tile: dY the m x m patch at s (rows rs apart), the T*T results to d + xi * xs. */
function gradOutTile23(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 2; j++) a23(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 64);
  for (let a = 0; a < 4; a++) a23(tmp + (<usize>a << 6), 16, d + <usize>(a * 4) * xs, xs);
}
function gradOutTile43(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 4; j++) a43(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 96);
  for (let a = 0; a < 6; a++) a43(tmp + <usize>a * 96, 16, d + <usize>(a * 6) * xs, xs);
}
function gradOutTile25(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 2; j++) a25(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 96);
  for (let a = 0; a < 6; a++) a25(tmp + <usize>a * 96, 16, d + <usize>(a * 6) * xs, xs);
}
function gradOutTile45(s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  for (let j = 0; j < 4; j++) a45(s + (<usize>j << 4), rs, tmp + (<usize>j << 4), 128);
  for (let a = 0; a < 8; a++) a45(tmp + (<usize>a << 7), 16, d + <usize>(a * 8) * xs, xs);
}
// @ts-ignore: decorator
@inline function gradOutTile(variant: i32, s: usize, rs: usize, tmp: usize, d: usize, xs: usize): void {
  if (variant == WINO_F2_3) gradOutTile23(s, rs, tmp, d, xs);
  else if (variant == WINO_F4_3) gradOutTile43(s, rs, tmp, d, xs);
  else if (variant == WINO_F2_5) gradOutTile25(s, rs, tmp, d, xs);
  else gradOutTile45(s, rs, tmp, d, xs);
}

// ---- layout conversions ----

/**
 * Stores the 4x4 block whose rows are x0..x3 transposed: column j (x0[j], x1[j], x2[j], x3[j]) goes
 * to d + j * step bytes.
 */
// @ts-ignore: decorator
@inline function storeTransposed(d: usize, step: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
  v128.store(d + step, i64x2.shuffle(t0, t1, 1, 3));
  v128.store(d + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
  v128.store(d + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
}

/** Four floats, lane l from p + l * step bytes for the lanes l < lanes, 0 in the others. */
// @ts-ignore: decorator
@inline function gather(p: usize, step: usize, lanes: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
  return v;
}

/** Stores lanes l < lanes of v at p + l * step bytes. */
// @ts-ignore: decorator
@inline function scatter(p: usize, step: usize, lanes: i32, v: v128): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p + step, f32x4.extract_lane(v, 1));
  if (lanes > 2) store<f32>(p + 2 * step, f32x4.extract_lane(v, 2));
  if (lanes > 3) store<f32>(p + 3 * step, f32x4.extract_lane(v, 3));
}

/** x with v's lanes zeroed where mask <= 0 (ReLU's backward from its output), as conv.ts's maskByRelu. */
// @ts-ignore: decorator
@inline function masked(v: v128, mask: v128): v128 {
  return v128.andnot(v, f32x4.le(mask, f32x4.splat(0)));
}

/**
 * One image's channel planes (C planes of H x W floats at `src`) into the blocked layout at `dst`
 * ([CP/4][outH][outW][4]), shifted down and right by (top, left) and zero elsewhere. With `mask`
 * != 0, each value is first zeroed where the float at the same place of `mask` is <= 0. With `sums`
 * != 0, each channel's total (after masking) is added to the f64 at sums + 8c.
 */
function toBlocked(src: usize, mask: usize, C: i32, H: i32, W: i32, groups: i32, outH: i32, outW: i32, top: i32, left: i32,
  dst: usize, sums: usize): void {
  const planeIn = <usize>(H * W) << 2, rowOut = <usize>outW << 4;
  const w1 = min(W, outW - left); // input columns that land in the output
  for (let cg = 0; cg < groups; cg++) {
    const lanes = min(4, C - 4 * cg);
    const out = dst + <usize>(cg * outH) * rowOut;
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (let hh = 0; hh < outH; hh++) {
      const row = out + <usize>hh * rowOut, ih = hh - top;
      if (lanes <= 0 || ih < 0 || ih >= H || w1 <= 0) {
        memory.fill(row, 0, rowOut);
        continue;
      }
      memory.fill(row, 0, <usize>left << 4);
      const at = <usize>((4 * cg * H + ih) * W) << 2;
      const s = src + at, mk = mask + at, d = row + (<usize>left << 4);
      let w = 0;
      if (lanes == 4) {
        for (; w + 4 <= w1; w += 4) {
          const o = <usize>w << 2;
          let x0 = v128.load(s + o), x1 = v128.load(s + planeIn + o), x2 = v128.load(s + 2 * planeIn + o), x3 = v128.load(s + 3 * planeIn + o);
          if (mask != 0) {
            x0 = masked(x0, v128.load(mk + o)); x1 = masked(x1, v128.load(mk + planeIn + o));
            x2 = masked(x2, v128.load(mk + 2 * planeIn + o)); x3 = masked(x3, v128.load(mk + 3 * planeIn + o));
          }
          storeTransposed(d + (<usize>w << 4), 16, x0, x1, x2, x3);
        }
      }
      for (; w < w1; w++) {
        const o = <usize>w << 2;
        let v = gather(s + o, planeIn, lanes);
        if (mask != 0) v = masked(v, gather(mk + o, planeIn, lanes));
        v128.store(d + (<usize>w << 4), v);
      }
      memory.fill(d + (<usize>w1 << 4), 0, <usize>(outW - left - w1) << 4);
      if (sums != 0) {
        for (let k = 0; k < w1; k++) {
          const v = v128.load(d + (<usize>k << 4));
          lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
          hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
        }
      }
    }
    if (sums != 0 && lanes > 0) {
      const p = sums + (<usize>(4 * cg) << 3);
      store<f64>(p, load<f64>(p) + f64x2.extract_lane(lo, 0));
      if (lanes > 1) store<f64>(p + 8, load<f64>(p + 8) + f64x2.extract_lane(lo, 1));
      if (lanes > 2) store<f64>(p + 16, load<f64>(p + 16) + f64x2.extract_lane(hi, 0));
      if (lanes > 3) store<f64>(p + 24, load<f64>(p + 24) + f64x2.extract_lane(hi, 1));
    }
  }
}

/**
 * The inverse of toBlocked (without mask): dst's C planes of H x W from src's blocked layout at
 * (top, left). Returns whether any value copied is infinite or NaN.
 */
function fromBlocked(src: usize, C: i32, H: i32, W: i32, inH: i32, inW: i32, top: i32, left: i32, dst: usize): bool {
  const planeOut = <usize>(H * W) << 2, rowIn = <usize>inW << 4;
  let bad = f32x4.splat(0);
  for (let cg = 0; 4 * cg < C; cg++) {
    const lanes = min(4, C - 4 * cg);
    for (let h = 0; h < H; h++) {
      const s = src + <usize>(cg * inH + h + top) * rowIn + (<usize>left << 4);
      const d = dst + (<usize>((4 * cg * H + h) * W) << 2);
      let w = 0;
      if (lanes == 4) {
        for (; w + 4 <= W; w += 4) {
          const p = s + (<usize>w << 4);
          const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
          bad = v128.or(bad, v128.or(v128.or(nonFinite(x0), nonFinite(x1)), v128.or(nonFinite(x2), nonFinite(x3))));
          storeTransposed(d + (<usize>w << 2), planeOut, x0, x1, x2, x3);
        }
      }
      for (; w < W; w++) {
        const v = v128.load(s + (<usize>w << 4));
        bad = v128.or(bad, nonFinite(v));
        scatter(d + (<usize>w << 2), planeOut, lanes, v);
      }
    }
  }
  return v128.any_true(bad);
}

/** All ones in the lanes of v that are infinite or NaN (v - v is NaN there, 0 elsewhere). */
// @ts-ignore: decorator
@inline function nonFinite(v: v128): v128 {
  return f32x4.ne(f32x4.sub(v, v), f32x4.splat(0));
}

/**
 * Marks the call's result as not to be used (the i32 at `flag` set to 1): an infinite or NaN value
 * showed in it. A Winograd tile mixes all of its inputs into each of its outputs, so such values
 * would spread further than through a direct convolution; the host then runs im2col instead.
 */
function markNonFinite(flag: usize): void {
  atomic.store<i32>(flag, 1);
}

// ---- sizes ----

/**
 * Floats added to each position's matrix in a block: T*T matrices a power of two apart would all
 * map to the same cache sets, and a tile's transform touches one vector of each.
 */
const XI_PAD = 16;

/** Bytes from one position's matrix of a block (rows x width floats) to the next's. */
// @ts-ignore: decorator
@inline function xiStride(rows: i32, width: i32): usize { return <usize>(rows * width + XI_PAD) << 2; }

/** Bytes of one thread's block buffers: V, Y, Y2 and dV of BLOCK tiles, and the scratch of four tiles. */
export function winogradWorkBytes(geom: usize): i32 {
  const T = g(geom, WINO_T), B = g(geom, WINO_BLOCK);
  return (T * T * (B * (2 * g(geom, WINO_CP) + 2 * g(geom, WINO_OP)) + 4 * XI_PAD) + TILE_SCRATCH * T * T * 4) << 2;
}

/** Vectors of tile scratch per T*T: one tile's transform in two passes, and four tiles' results. */
const TILE_SCRATCH = 6;

// @ts-ignore: decorator
@inline function blockV(geom: usize, work: usize): usize { return work; }
// @ts-ignore: decorator
@inline function blockY(geom: usize, work: usize): usize {
  const T = g(geom, WINO_T);
  return work + <usize>(T * T) * xiStride(g(geom, WINO_BLOCK), g(geom, WINO_CP));
}
// @ts-ignore: decorator
@inline function blockY2(geom: usize, work: usize): usize {
  const T = g(geom, WINO_T);
  return blockY(geom, work) + <usize>(T * T) * xiStride(g(geom, WINO_BLOCK), g(geom, WINO_OP));
}
// @ts-ignore: decorator
@inline function blockDV(geom: usize, work: usize): usize {
  const T = g(geom, WINO_T);
  return blockY2(geom, work) + <usize>(T * T) * xiStride(g(geom, WINO_BLOCK), g(geom, WINO_OP));
}
// @ts-ignore: decorator
@inline function blockTmp(geom: usize, work: usize): usize {
  const T = g(geom, WINO_T);
  return blockDV(geom, work) + <usize>(T * T) * xiStride(g(geom, WINO_BLOCK), g(geom, WINO_CP));
}

// ---- the weight transforms ----

/**
 * U = G g G^T for every (output, input) channel pair, zero for the padding channels: `layout` 0
 * writes U[xi][c][o] (the forward's), 1 U[xi][o][c] (the input gradient's). Split over threads by
 * ranges of the four-channel groups.
 */
export function winogradWeights(geom: usize, w: usize, u: usize, layout: i32, tmp: usize, part: i32, parts: i32): void {
  const C = g(geom, CONV_C), O = g(geom, CONV_O), r = g(geom, CONV_KH), T = g(geom, WINO_T);
  const Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP), variant = g(geom, WINO_VARIANT);
  const xs = xiStride(Cp, Op), rr = r * r;
  const t1 = tmp + (<usize>part * <usize>(3 * T * T) << 4), t2 = t1 + (<usize>(T * T) << 4);
  // Four lanes are four output channels (layout 0) or four input channels (layout 1).
  const groups = layout == 0 ? (Op >> 2) * Cp : Op * (Cp >> 2);
  const i0 = groups * part / parts, i1 = groups * (part + 1) / parts;
  for (let i = i0; i < i1; i++) {
    let o = 0, c = 0, lanes = 0, step: usize = 0, dst: usize = 0;
    if (layout == 0) {
      c = i % Cp; o = (i / Cp) * 4;
      lanes = c < C ? min(4, O - o) : 0;
      step = <usize>(C * rr) << 2;
      dst = u + (<usize>(c * Op + o) << 2);
    } else {
      c = (i % (Cp >> 2)) * 4; o = i / (Cp >> 2);
      lanes = o < O ? min(4, C - c) : 0;
      step = <usize>rr << 2;
      dst = u + (<usize>(o * Cp + c) << 2);
    }
    if (lanes <= 0) {
      for (let xi = 0; xi < T * T; xi++) v128.store(dst + <usize>xi * xs, f32x4.splat(0));
      continue;
    }
    const src = w + (<usize>((o * C + c) * rr) << 2);
    for (let k = 0; k < rr; k++) v128.store(t1 + (<usize>k << 4), gather(src + (<usize>k << 2), step, lanes));
    // columns: t2[a][l] = sum_k G[a][k] g[k][l]; rows: U[a][b] = sum_l t2[a][l] G[b][l]
    for (let l = 0; l < r; l++) gLine(variant, t1 + (<usize>l << 4), <usize>r << 4, t2 + (<usize>l << 4), <usize>r << 4);
    for (let a = 0; a < T; a++) gLine(variant, t2 + (<usize>(a * r) << 4), 16, dst + <usize>(a * T) * xs, xs);
  }
}

/**
 * gw = G^T dU G from the `count` per-thread sums of dU ([xi][OP][CP] each, `du` onwards), split over
 * threads by output channels.
 */
export function winogradWeightGrad(geom: usize, du: usize, count: i32, gw: usize, tmp: usize, flag: usize, part: i32, parts: i32): void {
  const C = g(geom, CONV_C), O = g(geom, CONV_O), r = g(geom, CONV_KH), T = g(geom, WINO_T);
  const Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP), variant = g(geom, WINO_VARIANT);
  const xs = xiStride(Cp, Op), each = <usize>(T * T) * xs, rr = r * r;
  const t1 = tmp + (<usize>part * <usize>(3 * T * T) << 4), t2 = t1 + (<usize>(T * T) << 4), t3 = t2 + (<usize>(T * T) << 4);
  const o0 = O * part / parts, o1 = O * (part + 1) / parts;
  let bad = f32x4.splat(0);
  for (let o = o0; o < o1; o++) {
    for (let c = 0; c < C; c += 4) {
      const src = du + (<usize>(o * Cp + c) << 2);
      for (let xi = 0; xi < T * T; xi++) {
        let v = v128.load(src + <usize>xi * xs);
        for (let q = 1; q < count; q++) v = f32x4.add(v, v128.load(src + <usize>q * each + <usize>xi * xs));
        v128.store(t1 + (<usize>xi << 4), v);
      }
      // columns: t2[k][b] = sum_a G[a][k] dU[a][b]; rows: gw[k][l] = sum_b t2[k][b] G[b][l]
      for (let b = 0; b < T; b++) gtLine(variant, t1 + (<usize>b << 4), <usize>T << 4, t2 + (<usize>b << 4), <usize>T << 4);
      for (let k = 0; k < r; k++) gtLine(variant, t2 + (<usize>(k * T) << 4), 16, t3 + (<usize>(k * r) << 4), 16);
      const dst = gw + (<usize>((o * C + c) * rr) << 2), lanes = min(4, C - c);
      for (let k = 0; k < rr; k++) {
        const v = v128.load(t3 + (<usize>k << 4));
        bad = v128.or(bad, nonFinite(v));
        scatter(dst + (<usize>k << 2), <usize>rr << 2, lanes, v);
      }
    }
  }
  if (v128.any_true(bad)) markNonFinite(flag);
}

// ---- blocks of tiles ----

/** Image, tile row and tile column of tile t. */
// @ts-ignore: decorator
@inline function tileCorner(geom: usize, t: i32, m: i32, rowVecs: i32, planeVecs: i32, groups: i32): usize {
  const tw = g(geom, WINO_TW), tpi = g(geom, WINO_TH) * tw;
  const n = t / tpi, rem = t - n * tpi, ty = rem / tw, tx = rem - ty * tw;
  return (<usize>(n * groups) * <usize>planeVecs + <usize>(ty * m * rowVecs + tx * m)) << 4;
}

/**
 * Stores four tiles' T*T vectors (one group of four channels each; tile q's at tiles + q * T*T * 16,
 * position xi at + xi * 16) into position matrices d + xi * xs whose rows are `width` floats: with
 * `panels`, transposed, so that each of the four channels' row holds the four tiles (the layout
 * kernel4x8 reads its left operand in: [rows / 4][width][4]); else one row per tile.
 */
// @ts-ignore: decorator
@inline function storeTiles(T: i32, panels: bool, tiles: usize, d: usize, xs: usize, width: i32): void {
  const ts = <usize>(T * T) << 4, rs = <usize>width << 2;
  for (let xi = 0; xi < T * T; xi++) {
    const s = tiles + (<usize>xi << 4), dx = d + <usize>xi * xs;
    const x0 = v128.load(s), x1 = v128.load(s + ts), x2 = v128.load(s + 2 * ts), x3 = v128.load(s + 3 * ts);
    if (panels) {
      storeTransposed(dx, 16, x0, x1, x2, x3);
    } else {
      v128.store(dx, x0); v128.store(dx + rs, x1); v128.store(dx + 2 * rs, x2); v128.store(dx + 3 * rs, x3);
    }
  }
}

/**
 * V[xi] for the tiles t0 .. t0 + count of a block (row p = t - t0) from xb, in panels (the forward's
 * left operand) or rows of CP floats (the weight gradient's right operand); rows count .. rows are 0.
 */
// @ts-ignore: decorator
@inline function inputBlockOf(T: i32, panels: bool, geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void {
  const m = g(geom, WINO_M), Cp = g(geom, WINO_CP), Hp = g(geom, WINO_HP), Wp = g(geom, WINO_WP);
  const plane = <usize>(Hp * Wp) << 4, rs = <usize>Wp << 4, xs = xiStride(rows, Cp);
  const tiles = tmp + (<usize>(2 * T * T) << 4), ts = <usize>(T * T) << 4;
  for (let p = 0; p < rows; p += 4) {
    const live = min(4, count - p);
    if (live < 4) memory.fill(tiles + <usize>live * ts, 0, <usize>(4 - live) * ts);
    const s0 = xb + tileCorner(geom, t0 + p, m, Wp, Hp * Wp, Cp >> 2);
    const s1 = live > 1 ? xb + tileCorner(geom, t0 + p + 1, m, Wp, Hp * Wp, Cp >> 2) : 0;
    const s2 = live > 2 ? xb + tileCorner(geom, t0 + p + 2, m, Wp, Hp * Wp, Cp >> 2) : 0;
    const s3 = live > 3 ? xb + tileCorner(geom, t0 + p + 3, m, Wp, Hp * Wp, Cp >> 2) : 0;
    for (let cg = 0; cg < Cp >> 2; cg++) {
      const o = <usize>cg * plane;
      if (!panels) {
        // straight into the rows (the scratch only for the dead rows' zeros)
        const d = v + (<usize>(p * Cp + 4 * cg) << 2), r = <usize>Cp << 2;
        inputTile(T, s0 + o, rs, tmp, d, xs);
        if (live > 1) inputTile(T, s1 + o, rs, tmp, d + r, xs);
        if (live > 2) inputTile(T, s2 + o, rs, tmp, d + 2 * r, xs);
        if (live > 3) inputTile(T, s3 + o, rs, tmp, d + 3 * r, xs);
        else for (let q = live; q < 4; q++) for (let xi = 0; xi < T * T; xi++) v128.store(d + <usize>q * r + <usize>xi * xs, f32x4.splat(0));
        continue;
      }
      inputTile(T, s0 + o, rs, tmp, tiles, 16);
      if (live > 1) inputTile(T, s1 + o, rs, tmp, tiles + ts, 16);
      if (live > 2) inputTile(T, s2 + o, rs, tmp, tiles + 2 * ts, 16);
      if (live > 3) inputTile(T, s3 + o, rs, tmp, tiles + 3 * ts, 16);
      storeTiles(T, true, tiles, v + (<usize>(p * Cp + 16 * cg) << 2), xs, Cp);
    }
  }
}
function inputBlock4(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(4, false, geom, xb, t0, count, rows, v, tmp); }
function inputBlock6(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(6, false, geom, xb, t0, count, rows, v, tmp); }
function inputPanels4(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(4, true, geom, xb, t0, count, rows, v, tmp); }
function inputPanels6(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(6, true, geom, xb, t0, count, rows, v, tmp); }
function inputBlock8(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(8, false, geom, xb, t0, count, rows, v, tmp); }
function inputPanels8(geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void { inputBlockOf(8, true, geom, xb, t0, count, rows, v, tmp); }
// @ts-ignore: decorator
@inline function inputBlock(panels: bool, geom: usize, xb: usize, t0: i32, count: i32, rows: i32, v: usize, tmp: usize): void {
  const T = g(geom, WINO_T);
  if (T == 4) {
    if (panels) inputPanels4(geom, xb, t0, count, rows, v, tmp); else inputBlock4(geom, xb, t0, count, rows, v, tmp);
  } else if (T == 6) {
    if (panels) inputPanels6(geom, xb, t0, count, rows, v, tmp); else inputBlock6(geom, xb, t0, count, rows, v, tmp);
  } else {
    if (panels) inputPanels8(geom, xb, t0, count, rows, v, tmp); else inputBlock8(geom, xb, t0, count, rows, v, tmp);
  }
}

/** Adds B dV B^T of the block's tiles into gxb (the adjoint of inputBlock). */
// @ts-ignore: decorator
@inline function inputGradBlockOf(T: i32, geom: usize, dv: usize, t0: i32, count: i32, rows: i32, gxb: usize, tmp: usize): void {
  const m = g(geom, WINO_M), Cp = g(geom, WINO_CP), Hp = g(geom, WINO_HP), Wp = g(geom, WINO_WP);
  const plane = <usize>(Hp * Wp) << 4, rs = <usize>Wp << 4, xs = xiStride(rows, Cp), ps = <usize>Cp << 2;
  for (let p = 0; p < count; p++) {
    let d = gxb + tileCorner(geom, t0 + p, m, Wp, Hp * Wp, Cp >> 2), s = dv + <usize>p * ps;
    for (let cg = 0; cg < Cp >> 2; cg++, d += plane, s += 16) inputTileAdjoint(T, s, xs, tmp, d, rs);
  }
}
function inputGradBlock4(geom: usize, dv: usize, t0: i32, count: i32, rows: i32, gxb: usize, tmp: usize): void { inputGradBlockOf(4, geom, dv, t0, count, rows, gxb, tmp); }
function inputGradBlock6(geom: usize, dv: usize, t0: i32, count: i32, rows: i32, gxb: usize, tmp: usize): void { inputGradBlockOf(6, geom, dv, t0, count, rows, gxb, tmp); }
function inputGradBlock8(geom: usize, dv: usize, t0: i32, count: i32, rows: i32, gxb: usize, tmp: usize): void { inputGradBlockOf(8, geom, dv, t0, count, rows, gxb, tmp); }

/**
 * A dY A^T of the block's tiles from gyb, into y (rows of OP floats, for the weight gradient) and
 * y2 (panels, for the input gradient) where those are not 0; rows count .. rows are 0.
 */
// @ts-ignore: decorator
@inline function gradOutBlockOf(variant: i32, geom: usize, gyb: usize, t0: i32, count: i32, rows: i32, y: usize, y2: usize, tmp: usize): void {
  const m = g(geom, WINO_M), T = g(geom, WINO_T), Op = g(geom, WINO_OP);
  const Hq = g(geom, WINO_TH) * m, Wq = g(geom, WINO_TW) * m;
  const plane = <usize>(Hq * Wq) << 4, rs = <usize>Wq << 4, xs = xiStride(rows, Op);
  const tiles = tmp + (<usize>(2 * T * T) << 4), ts = <usize>(T * T) << 4;
  for (let p = 0; p < rows; p += 4) {
    const live = min(4, count - p);
    if (live < 4) memory.fill(tiles + <usize>live * ts, 0, <usize>(4 - live) * ts);
    const s0 = gyb + tileCorner(geom, t0 + p, m, Wq, Hq * Wq, Op >> 2);
    const s1 = live > 1 ? gyb + tileCorner(geom, t0 + p + 1, m, Wq, Hq * Wq, Op >> 2) : 0;
    const s2 = live > 2 ? gyb + tileCorner(geom, t0 + p + 2, m, Wq, Hq * Wq, Op >> 2) : 0;
    const s3 = live > 3 ? gyb + tileCorner(geom, t0 + p + 3, m, Wq, Hq * Wq, Op >> 2) : 0;
    for (let og = 0; og < Op >> 2; og++) {
      const o = <usize>og * plane;
      if (y2 == 0) {
        // rows only: straight into them
        const d = y + (<usize>(p * Op + 4 * og) << 2), r = <usize>Op << 2;
        gradOutTile(variant, s0 + o, rs, tmp, d, xs);
        if (live > 1) gradOutTile(variant, s1 + o, rs, tmp, d + r, xs);
        if (live > 2) gradOutTile(variant, s2 + o, rs, tmp, d + 2 * r, xs);
        if (live > 3) gradOutTile(variant, s3 + o, rs, tmp, d + 3 * r, xs);
        else for (let q = live; q < 4; q++) for (let xi = 0; xi < T * T; xi++) v128.store(d + <usize>q * r + <usize>xi * xs, f32x4.splat(0));
        continue;
      }
      gradOutTile(variant, s0 + o, rs, tmp, tiles, 16);
      if (live > 1) gradOutTile(variant, s1 + o, rs, tmp, tiles + ts, 16);
      if (live > 2) gradOutTile(variant, s2 + o, rs, tmp, tiles + 2 * ts, 16);
      if (live > 3) gradOutTile(variant, s3 + o, rs, tmp, tiles + 3 * ts, 16);
      if (y != 0) storeTiles(T, false, tiles, y + (<usize>(p * Op + 4 * og) << 2), xs, Op);
      if (y2 != 0) storeTiles(T, true, tiles, y2 + (<usize>(p * Op + 16 * og) << 2), xs, Op);
    }
  }
}
function gradOutBlock23(geom: usize, gyb: usize, t0: i32, count: i32, rows: i32, y: usize, y2: usize, tmp: usize): void { gradOutBlockOf(WINO_F2_3, geom, gyb, t0, count, rows, y, y2, tmp); }
function gradOutBlock43(geom: usize, gyb: usize, t0: i32, count: i32, rows: i32, y: usize, y2: usize, tmp: usize): void { gradOutBlockOf(WINO_F4_3, geom, gyb, t0, count, rows, y, y2, tmp); }
function gradOutBlock25(geom: usize, gyb: usize, t0: i32, count: i32, rows: i32, y: usize, y2: usize, tmp: usize): void { gradOutBlockOf(WINO_F2_5, geom, gyb, t0, count, rows, y, y2, tmp); }
function gradOutBlock45(geom: usize, gyb: usize, t0: i32, count: i32, rows: i32, y: usize, y2: usize, tmp: usize): void { gradOutBlockOf(WINO_F4_5, geom, gyb, t0, count, rows, y, y2, tmp); }

/**
 * out[n][o][oh][ow] = epilogue(A^T Y A + bias) for the block's tiles, the parts of each tile inside
 * Ho x Wo. `bias` holds OP floats (0 past O).
 */
// @ts-ignore: decorator
@inline function outputBlockOf(variant: i32, geom: usize, y: usize, t0: i32, count: i32, rows: i32, out: usize,
  bias: usize, relu: bool, tmp: usize): bool {
  const m = g(geom, WINO_M), T = g(geom, WINO_T), O = g(geom, CONV_O), Op = g(geom, WINO_OP);
  const Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), tw = g(geom, WINO_TW), tpi = g(geom, WINO_TH) * tw;
  const S = g(geom, CONV_OUT_STRIDE);
  const xs = xiStride(rows, Op), plane = <usize>(Ho * Wo) << 2, res = tmp + (<usize>(T * T) << 4);
  let bad = f32x4.splat(0);
  for (let p = 0; p < count; p++) {
    const t = t0 + p, n = t / tpi, rem = t - n * tpi, ty = rem / tw, tx = rem - ty * tw;
    const mh = min(m, Ho - ty * m), mw = min(m, Wo - tx * m);
    for (let o = 0; o < O; o += 4) {
      outputTile(variant, y + (<usize>(p * Op + o) << 2), xs, tmp, res);
      const bv = bias != 0 ? v128.load(bias + (<usize>o << 2)) : f32x4.splat(0), lanes = min(4, O - o);
      const base = out + (<usize>(n * S + (o * Ho + ty * m) * Wo + tx * m) << 2);
      for (let i = 0; i < mh; i++) {
        const ri = res + (<usize>(i * m) << 4), row = base + (<usize>(i * Wo) << 2);
        for (let j = 0; j < mw; j++) {
          let v = f32x4.add(v128.load(ri + (<usize>j << 4)), bv);
          bad = v128.or(bad, nonFinite(v));
          // max(v, 0) with NaN kept: v's bits where v > 0 or v is NaN, else +0
          if (relu) v = v128.and(v, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.ne(v, v)));
          v128.store(ri + (<usize>j << 4), v);
        }
        // a whole row of the tile for four channels: transposed into one store per channel
        if (lanes == 4 && mw == 4 && m == 4) {
          storeTransposed(row, plane, v128.load(ri), v128.load(ri, 16), v128.load(ri, 32), v128.load(ri, 48));
        } else if (lanes == 4 && mw == 2 && m == 2) {
          const v0 = v128.load(ri), v1 = v128.load(ri, 16);
          const lo = i32x4.shuffle(v0, v1, 0, 4, 1, 5), hi = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          v128.store64_lane(row, lo, 0);
          v128.store64_lane(row + plane, lo, 1);
          v128.store64_lane(row + 2 * plane, hi, 0);
          v128.store64_lane(row + 3 * plane, hi, 1);
        } else {
          for (let j = 0; j < mw; j++) scatter(row + (<usize>j << 2), plane, lanes, v128.load(ri + (<usize>j << 4)));
        }
      }
    }
  }
  return v128.any_true(bad);
}
function outputBlock23(geom: usize, y: usize, t0: i32, count: i32, rows: i32, out: usize, bias: usize, relu: bool, tmp: usize): bool { return outputBlockOf(WINO_F2_3, geom, y, t0, count, rows, out, bias, relu, tmp); }
function outputBlock43(geom: usize, y: usize, t0: i32, count: i32, rows: i32, out: usize, bias: usize, relu: bool, tmp: usize): bool { return outputBlockOf(WINO_F4_3, geom, y, t0, count, rows, out, bias, relu, tmp); }
function outputBlock25(geom: usize, y: usize, t0: i32, count: i32, rows: i32, out: usize, bias: usize, relu: bool, tmp: usize): bool { return outputBlockOf(WINO_F2_5, geom, y, t0, count, rows, out, bias, relu, tmp); }
function outputBlock45(geom: usize, y: usize, t0: i32, count: i32, rows: i32, out: usize, bias: usize, relu: bool, tmp: usize): bool { return outputBlockOf(WINO_F4_5, geom, y, t0, count, rows, out, bias, relu, tmp); }

/** y[xi] (rows x OP) = v[xi] (rows x CP in panels, the first C columns) times U[xi] (CP x OP) for every xi. */
function forwardProducts(geom: usize, v: usize, u: usize, y: usize, rows: i32): void {
  const T = g(geom, WINO_T), C = g(geom, CONV_C), Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP);
  const vr = <usize>Cp << 2, yr = <usize>Op << 2;
  for (let xi = 0; xi < T * T; xi++) {
    const a = v + <usize>xi * xiStride(rows, Cp), b = u + <usize>xi * xiStride(Cp, Op), c = y + <usize>xi * xiStride(rows, Op);
    for (let j = 0; j < Op; j += 8) {
      for (let i = 0; i < rows; i += 4) kernel4x8(C, a + <usize>i * vr, 16, b + (<usize>j << 2), yr, c + <usize>i * yr + (<usize>j << 2), yr, true);
    }
  }
}

/** dv[xi] (rows x CP) = y[xi] (rows x OP in panels, the first O columns) times U[xi] (OP x CP). */
function inputGradProducts(geom: usize, y: usize, u: usize, dv: usize, rows: i32): void {
  const T = g(geom, WINO_T), O = g(geom, CONV_O), Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP);
  const vr = <usize>Cp << 2, yr = <usize>Op << 2;
  for (let xi = 0; xi < T * T; xi++) {
    const a = y + <usize>xi * xiStride(rows, Op), b = u + <usize>xi * xiStride(Op, Cp), c = dv + <usize>xi * xiStride(rows, Cp);
    for (let j = 0; j < Cp; j += 8) {
      for (let i = 0; i < rows; i += 4) kernel4x8(O, a + <usize>i * yr, 16, b + (<usize>j << 2), vr, c + <usize>i * vr + (<usize>j << 2), vr, true);
    }
  }
}

/** du[xi] (OP x CP) += y[xi]^T (the block's `count` tiles) times v[xi]. */
function weightGradProducts(geom: usize, y: usize, v: usize, du: usize, rows: i32, count: i32): void {
  const T = g(geom, WINO_T), O = g(geom, CONV_O), C = g(geom, CONV_C), Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP);
  const vr = <usize>Cp << 2, yr = <usize>Op << 2;
  for (let xi = 0; xi < T * T; xi++) {
    const a = y + <usize>xi * xiStride(rows, Op), b = v + <usize>xi * xiStride(rows, Cp), c = du + <usize>xi * xiStride(Op, Cp);
    for (let i = 0; i < O; i += 4) {
      for (let j = 0; j < C; j += 8) kernel4x8(count, a + (<usize>i << 2), yr, b + (<usize>j << 2), vr, c + <usize>i * vr + (<usize>j << 2), vr, false);
    }
  }
}

// ---- the kernels ----

/**
 * out (N, O, Ho, Wo) = epilogue(conv(x, w) + bias) with U = winogradWeights(layout 0) at `u`; `bias`
 * is OP floats (0 past O) or 0 for none, the epilogue code as conv.ts's. The threads take groups of
 * WINO_GROUP images from the counter at `next` (an i32 the host zeroes): a group's images are padded
 * into xb, then its tiles go through in blocks (transform, T*T products, output transform). Each
 * output is computed the same way whichever thread takes its group. An infinite or NaN result sets
 * the i32 at `flag` (markNonFinite).
 *
 * The inputs are all in place before the call: unlike conv2d, the threads never wait for the host's
 * copy in (memory.atomic.wait32). On Node 20 (V8 11.3), code compiled by Liftoff, V8's first tier,
 * lost a local held across such a wait (the epilogue flag, computed before the wait, read false after
 * it), so a group's output went out without its ReLU; kernels that wait must not rely on values
 * computed before the wait.
 */
export function winogradForward(geom: usize, x: usize, u: usize, bias: usize, out: usize, xb: usize, work: usize,
  epilogue: i32, next: usize, flag: usize, part: i32, parts: i32): void {
  const N = g(geom, CONV_N), C = g(geom, CONV_C), H = g(geom, CONV_H), W = g(geom, CONV_W);
  const Cp = g(geom, WINO_CP), Hp = g(geom, WINO_HP), Wp = g(geom, WINO_WP), variant = g(geom, WINO_VARIANT);
  const B = g(geom, WINO_BLOCK), G = g(geom, WINO_GROUP), tpi = g(geom, WINO_TH) * g(geom, WINO_TW);
  const mine = work + <usize>part * <usize>winogradWorkBytes(geom);
  const v = blockV(geom, mine), y = blockY(geom, mine), tmp = blockTmp(geom, mine);
  const relu = epilogue == EPILOGUE_RELU, image = <usize>(Cp * Hp * Wp) << 2;
  for (let grp = atomic.add<i32>(next, 1); grp * G < N; grp = atomic.add<i32>(next, 1)) {
    const n0 = grp * G, n1 = min(N, n0 + G);
    for (let n = n0; n < n1; n++) {
      toBlocked(x + (<usize>(n * C * H * W) << 2), 0, C, H, W, Cp >> 2, Hp, Wp, g(geom, CONV_PAD_H), g(geom, CONV_PAD_W), xb + <usize>n * image, 0);
    }
    for (let t0 = n0 * tpi; t0 < n1 * tpi; t0 += B) {
      const count = min(B, n1 * tpi - t0), rows = (count + 3) & ~3;
      inputBlock(true, geom, xb, t0, count, rows, v, tmp);
      forwardProducts(geom, v, u, y, rows);
      let bad = false;
      if (variant == WINO_F2_3) bad = outputBlock23(geom, y, t0, count, rows, out, bias, relu, tmp);
      else if (variant == WINO_F4_3) bad = outputBlock43(geom, y, t0, count, rows, out, bias, relu, tmp);
      else if (variant == WINO_F4_5) bad = outputBlock45(geom, y, t0, count, rows, out, bias, relu, tmp);
      else bad = outputBlock25(geom, y, t0, count, rows, out, bias, relu, tmp);
      if (bad) markNonFinite(flag);
    }
  }
}

/**
 * The gradients of a Winograd convolution over part `part`'s images (a static split, so the weight
 * gradient's sums do not depend on timing), in groups of WINO_GROUP images: gOut (masked by
 * `reluOut` when != 0) goes into the blocked gyb (its channel sums added to the part's f64 block
 * gb + part * OP * 8 when gb != 0); then per block of tiles, Y = A dY A^T, and
 * - with gx != 0: dV = Y times U (winogradWeights layout 1 at `u`), B dV B^T added into gxb, and
 *   at the end of the group gxb unpadded into gx;
 * - with du != 0: x padded into xb, V = B^T d B, and the part's du + part * T*T*OP*CP floats += Y^T V
 *   (winogradWeightGrad sums the parts and transforms back).
 * An infinite or NaN gradient sets the i32 at `flag`. As for winogradForward, the inputs are all in
 * place before the call.
 */
export function winogradBackward(geom: usize, gOut: usize, reluOut: usize, x: usize, u: usize, gx: usize, du: usize, gb: usize,
  gyb: usize, xb: usize, gxb: usize, work: usize, flag: usize, part: i32, parts: i32): void {
  const N = g(geom, CONV_N), C = g(geom, CONV_C), H = g(geom, CONV_H), W = g(geom, CONV_W), O = g(geom, CONV_O);
  const Ho = g(geom, CONV_HO), Wo = g(geom, CONV_WO), padH = g(geom, CONV_PAD_H), padW = g(geom, CONV_PAD_W);
  const m = g(geom, WINO_M), T = g(geom, WINO_T), Cp = g(geom, WINO_CP), Op = g(geom, WINO_OP), Hp = g(geom, WINO_HP), Wp = g(geom, WINO_WP);
  const variant = g(geom, WINO_VARIANT), B = g(geom, WINO_BLOCK), G = g(geom, WINO_GROUP);
  const Hq = g(geom, WINO_TH) * m, Wq = g(geom, WINO_TW) * m, tpi = g(geom, WINO_TH) * g(geom, WINO_TW);
  const mine = work + <usize>part * <usize>winogradWorkBytes(geom);
  const v = blockV(geom, mine), y = blockY(geom, mine), y2 = blockY2(geom, mine), dv = blockDV(geom, mine), tmp = blockTmp(geom, mine);
  const image = <usize>(Cp * Hp * Wp) << 2, gImage = <usize>(Op * Hq * Wq) << 2;
  const duBytes = <usize>(T * T) * xiStride(Op, Cp);
  const myDu = du + <usize>part * duBytes, sums = gb != 0 ? gb + (<usize>(part * Op) << 3) : 0;
  if (du != 0) memory.fill(myDu, 0, duBytes);
  if (sums != 0) memory.fill(sums, 0, <usize>Op << 3);
  const nEnd = N * (part + 1) / parts;
  for (let n0 = N * part / parts; n0 < nEnd; n0 += G) {
    const n1 = min(nEnd, n0 + G);
    for (let n = n0; n < n1; n++) {
      const at = <usize>(n * g(geom, CONV_OUT_STRIDE)) << 2;
      toBlocked(gOut + at, reluOut != 0 ? reluOut + at : 0, O, Ho, Wo, Op >> 2, Hq, Wq, 0, 0, gyb + <usize>n * gImage, sums);
      if (du != 0) toBlocked(x + (<usize>(n * C * H * W) << 2), 0, C, H, W, Cp >> 2, Hp, Wp, padH, padW, xb + <usize>n * image, 0);
      if (gx != 0) memory.fill(gxb + <usize>n * image, 0, image);
    }
    for (let t0 = n0 * tpi; t0 < n1 * tpi; t0 += B) {
      const count = min(B, n1 * tpi - t0), rows = (count + 3) & ~3;
      const yw = du != 0 ? y : 0, yx = gx != 0 ? y2 : 0;
      if (variant == WINO_F2_3) gradOutBlock23(geom, gyb, t0, count, rows, yw, yx, tmp);
      else if (variant == WINO_F4_3) gradOutBlock43(geom, gyb, t0, count, rows, yw, yx, tmp);
      else if (variant == WINO_F4_5) gradOutBlock45(geom, gyb, t0, count, rows, yw, yx, tmp);
      else gradOutBlock25(geom, gyb, t0, count, rows, yw, yx, tmp);
      if (gx != 0) {
        inputGradProducts(geom, y2, u, dv, rows);
        if (T == 4) inputGradBlock4(geom, dv, t0, count, rows, gxb, tmp);
        else if (T == 6) inputGradBlock6(geom, dv, t0, count, rows, gxb, tmp);
        else inputGradBlock8(geom, dv, t0, count, rows, gxb, tmp);
      }
      if (du != 0) {
        inputBlock(false, geom, xb, t0, count, rows, v, tmp);
        weightGradProducts(geom, y, v, myDu, rows, count);
      }
    }
    if (gx != 0) {
      for (let n = n0; n < n1; n++) {
        if (fromBlocked(gxb + <usize>n * image, C, H, W, Hp, Wp, padH, padW, gx + (<usize>(n * C * H * W) << 2))) markNonFinite(flag);
      }
    }
  }
}
