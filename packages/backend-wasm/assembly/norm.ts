// Batch normalisation over contiguous x viewed as (N, C, S): channel c is N runs of S floats, run n
// starting at element (n * C + c) * S. Split over threads by ranges of channels.
//
// Sums are blocked (the order of the CPU kernel, src/backend/cpu/norm.ts): each run in blocks of
// BLOCK floats, a block summed in float32 into four lanes (lane j of each 4-block into lane j, a
// run's tail into lane 0), each lane then added into its float64 partial sum; the total is
// (s0 + s1) + (s2 + s3). float32 inside a block keeps the sums at f32x4's speed (float64 all the way
// ran at half of it), float64 across blocks keeps their error that of a 64-term float32 sum
// whatever the run's length. Per-channel constants by the same f64 expressions, rounded to float32;
// the per-element maps in float32, as the CPU kernel's (y = (x - mean) * scale + bias; no fused
// multiply-add). So every result equals the CPU kernel's bit for bit (NaN travels the same). A null
// weight or bias is address 0.
import { EPILOGUE_RELU } from '../src/layout';

// @ts-ignore: decorator
@inline function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
}

/** Floats per block of a run summed in float32 (a multiple of 4). */
const BLOCK: i32 = 256;

/** Lane 0 of `v` plus `d` in float32 (the other lanes unchanged): a run's tail goes into lane 0. */
// @ts-ignore: decorator
@inline function addLane0(v: v128, d: f32): v128 {
  return f32x4.replace_lane(v, 0, f32x4.extract_lane(v, 0) + d);
}

/** (lane 0 + lane 1) + (lane 0 + lane 1 of `b`): the CPU kernel's s0 + s1 + (s2 + s3). */
// @ts-ignore: decorator
@inline function total(a: v128, b: v128): f64 {
  return f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1) + (f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1));
}

// @ts-ignore: decorator
@inline function f32At(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + (<usize>i << 2));
}

/** Byte address of run n of channel c. */
// @ts-ignore: decorator
@inline function runStart(p: usize, n: i32, C: i32, c: i32, S: i32): usize {
  return p + (<usize>((n * C + c) * S) << 2);
}

/**
 * mean[c], variance[c] (biased) for this part's channels. One pass of sums of d = x - K, K the
 * channel's first value, so E[d^2] - E[d]^2 does not cancel when the mean is large. Needs N * S > 0.
 */
export function batchNormStats(x: usize, N: i32, C: i32, S: i32, mean: usize, variance: usize, part: i32, parts: i32): void {
  const c0 = C * part / parts, c1 = C * (part + 1) / parts;
  const M = <f64>N * <f64>S;
  for (let c = c0; c < c1; c++) {
    const K32 = f32Of(x, c * S), K = <f64>K32, k4 = f32x4.splat(K32);
    let s01 = f64x2.splat(0), s23 = f64x2.splat(0), q01 = f64x2.splat(0), q23 = f64x2.splat(0);
    for (let n = 0; n < N; n++) {
      const p = runStart(x, n, C, c, S);
      for (let b = 0; b < S; b += BLOCK) {
        const end = min(S, b + BLOCK);
        let sa = f32x4.splat(0), qa = f32x4.splat(0);
        let i = b;
        for (; i + 4 <= end; i += 4) {
          const d = f32x4.sub(v128.load(p + (<usize>i << 2)), k4);
          sa = f32x4.add(sa, d);
          qa = f32x4.add(qa, f32x4.mul(d, d));
        }
        for (; i < end; i++) {
          const d: f32 = f32Of(p, i) - K32;
          sa = addLane0(sa, d);
          qa = addLane0(qa, d * d);
        }
        s01 = f64x2.add(s01, lowF64(sa)); s23 = f64x2.add(s23, highF64(sa));
        q01 = f64x2.add(q01, lowF64(qa)); q23 = f64x2.add(q23, highF64(qa));
      }
    }
    const sd = total(s01, s23) / M;
    const v = total(q01, q23) / M - sd * sd;
    store<f32>(mean + (<usize>c << 2), <f32>(K + sd));
    // NaN in the data must travel; only a rounding negative is clamped
    store<f32>(variance + (<usize>c << 2), <f32>(v < 0 ? 0 : v));
  }
}

/**
 * out = epilogue((x - mean) * scale + bias) per channel in float32, scale = f32(weight / sqrt(variance
 * + eps)); the epilogue codes are in src/layout.ts (EPILOGUE_RELU: max(., 0), NaN kept).
 */
export function batchNormForward(x: usize, N: i32, C: i32, S: i32, mean: usize, variance: usize, eps: f64,
  weight: usize, bias: usize, out: usize, epilogue: i32, part: i32, parts: i32): void {
  const relu = epilogue == EPILOGUE_RELU;
  const zero = f32x4.splat(0);
  const c0 = C * part / parts, c1 = C * (part + 1) / parts;
  for (let c = c0; c < c1; c++) {
    const m = f32Of(mean, c), scale = channelScale(weight, variance, eps, c), b = bias != 0 ? f32Of(bias, c) : <f32>0;
    const mm = f32x4.splat(m), sc = f32x4.splat(scale), bb = f32x4.splat(b);
    for (let n = 0; n < N; n++) {
      const p = runStart(x, n, C, c, S), o = runStart(out, n, C, c, S);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const y = f32x4.add(f32x4.mul(f32x4.sub(v128.load(p + (<usize>i << 2)), mm), sc), bb);
        // ReLU keeps y's bits where y > 0 or y is NaN, else +0
        v128.store(o + (<usize>i << 2), relu ? v128.and(y, v128.or(f32x4.gt(y, zero), f32x4.ne(y, y))) : y);
      }
      for (; i < S; i++) {
        const y: f32 = (f32Of(p, i) - m) * scale + b;
        store<f32>(o + (<usize>i << 2), relu && !(y > 0) && y == y ? 0 : y);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function f32Of(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** The forward's f32(weight / sqrt(variance + eps)) of channel c (weight 1 when absent). */
// @ts-ignore: decorator
@inline function channelScale(weight: usize, variance: usize, eps: f64, c: i32): f32 {
  return <f32>((weight != 0 ? f32At(weight, c) : 1) * (1 / sqrt<f64>(f32At(variance, c) + eps)));
}

/**
 * g where the forward's ReLU kept its output, else +0: the output y = (x - mean) * scale + bias is
 * recomputed exactly as batchNormForward computed it (the same float32 operations), and g passes
 * where y > 0 or y is NaN (reluBackward's rule: zero where the output is <= 0).
 */
// @ts-ignore: decorator
@inline function maskedG(gv: v128, xv: v128, mm: v128, sc: v128, bb: v128): v128 {
  const y = f32x4.add(f32x4.mul(f32x4.sub(xv, mm), sc), bb);
  return v128.and(gv, v128.or(f32x4.gt(y, f32x4.splat(0)), f32x4.ne(y, y)));
}

/** maskedG for one element, or g itself without `relu`. */
// @ts-ignore: decorator
@inline function maskedG1(g: f32, x: f32, relu: bool, m: f32, scale: f32, b: f32): f32 {
  if (!relu) return g;
  const y: f32 = (x - m) * scale + b;
  return y > 0 || y != y ? g : 0;
}

/**
 * Gradients of batchNormForward for this part's channels: gradBias[c] = sum(g), gradWeight[c] =
 * sum(g * (x - mean)) * invStd, and unless gradInput is 0, gradInput = k (g - mean(g) - xhat
 * mean(g xhat)) with batch statistics, as (g - mean(g)) k - (x - mean) kp in float32, or k g with
 * constant statistics; k = weight * invStd. With epilogue EPILOGUE_RELU, g is gradOut through the
 * forward's ReLU (maskedG;
 * `bias` is the forward's), written into gradInput by the first pass for the second (never over
 * gradOut: it may be a tensor the host still holds). gradInput may be gradOut itself: each element
 * is read before it is written.
 */
export function batchNormBackward(gradOut: usize, x: usize, N: i32, C: i32, S: i32, mean: usize, variance: usize, eps: f64,
  weight: usize, bias: usize, epilogue: i32, batchStats: i32, gradInput: usize, gradWeight: usize, gradBias: usize, part: i32, parts: i32): void {
  const relu = epilogue == EPILOGUE_RELU;
  const c0 = C * part / parts, c1 = C * (part + 1) / parts;
  const M = <f64>N * <f64>S;
  for (let c = c0; c < c1; c++) {
    const m = f32At(mean, c), invStd = 1 / sqrt<f64>(f32At(variance, c) + eps);
    const w = weight != 0 ? f32At(weight, c) : 1;
    // the forward's map, for the epilogue's mask (batchNormForward's float32 operations)
    const m32 = <f32>m, scale = channelScale(weight, variance, eps, c), b32 = bias != 0 ? f32Of(bias, c) : <f32>0;
    const mm = f32x4.splat(m32), sc = f32x4.splat(scale), bb = f32x4.splat(b32);
    // sum(g) and sum(g * (x - mean)), blocked as batchNormStats's sums
    let g01 = f64x2.splat(0), g23 = f64x2.splat(0), h01 = f64x2.splat(0), h23 = f64x2.splat(0);
    // where the masked g goes for the second pass (nowhere without one)
    const keep = relu && gradInput != 0;
    for (let n = 0; n < N; n++) {
      const pg = runStart(gradOut, n, C, c, S), px = runStart(x, n, C, c, S), pm = runStart(gradInput, n, C, c, S);
      for (let b = 0; b < S; b += BLOCK) {
        const end = min(S, b + BLOCK);
        let ga = f32x4.splat(0), ha = f32x4.splat(0);
        let i = b;
        for (; i + 4 <= end; i += 4) {
          const xv = v128.load(px + (<usize>i << 2));
          let gv = v128.load(pg + (<usize>i << 2));
          if (relu) {
            gv = maskedG(gv, xv, mm, sc, bb);
            if (keep) v128.store(pm + (<usize>i << 2), gv);
          }
          ga = f32x4.add(ga, gv);
          ha = f32x4.add(ha, f32x4.mul(gv, f32x4.sub(xv, mm)));
        }
        for (; i < end; i++) {
          const xs = f32Of(px, i);
          const a = maskedG1(f32Of(pg, i), xs, relu, m32, scale, b32);
          if (keep) store<f32>(pm + (<usize>i << 2), a);
          ga = addLane0(ga, a);
          ha = addLane0(ha, a * (xs - m32));
        }
        g01 = f64x2.add(g01, lowF64(ga)); g23 = f64x2.add(g23, highF64(ga));
        h01 = f64x2.add(h01, lowF64(ha)); h23 = f64x2.add(h23, highF64(ha));
      }
    }
    const sumG = total(g01, g23), sumGX = total(h01, h23);
    store<f32>(gradWeight + (<usize>c << 2), <f32>(sumGX * invStd));
    store<f32>(gradBias + (<usize>c << 2), <f32>sumG);
    if (gradInput == 0) continue;
    // gradInput = (g - mean(g)) * k - (x - mean) * kp in float32 (k = weight * invStd, kp = k *
    // mean(g * xhat) * invStd), or g * k with constant statistics
    const k = w * invStd;
    let meanG = 0.0, kp = 0.0;
    if (batchStats != 0) {
      meanG = sumG / M;
      kp = k * ((sumGX / M) * invStd * invStd);
    }
    const k32 = <f32>k, mg32 = <f32>meanG, kp32 = <f32>kp;
    const k4 = f32x4.splat(k32), mg4 = f32x4.splat(mg32), kp4 = f32x4.splat(kp32);
    const g = relu ? gradInput : gradOut;
    for (let n = 0; n < N; n++) {
      const pg = runStart(g, n, C, c, S), px = runStart(x, n, C, c, S), po = runStart(gradInput, n, C, c, S);
      let i = 0;
      if (batchStats != 0) {
        for (; i + 4 <= S; i += 4) {
          const gv = v128.load(pg + (<usize>i << 2)), xv = v128.load(px + (<usize>i << 2));
          v128.store(po + (<usize>i << 2), f32x4.sub(f32x4.mul(f32x4.sub(gv, mg4), k4), f32x4.mul(f32x4.sub(xv, mm), kp4)));
        }
        for (; i < S; i++) store<f32>(po + (<usize>i << 2), (f32Of(pg, i) - mg32) * k32 - (f32Of(px, i) - m32) * kp32);
      } else {
        for (; i + 4 <= S; i += 4) v128.store(po + (<usize>i << 2), f32x4.mul(v128.load(pg + (<usize>i << 2)), k4));
        for (; i < S; i++) store<f32>(po + (<usize>i << 2), f32Of(pg, i) * k32);
      }
    }
  }
}
