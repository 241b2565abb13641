// Whole-plane means: global average pooling however it is spelled (src/planes.ts routes every
// spelling here). A plane is `size` contiguous floats; planes follow one another.

/**
 * out[p] = (sum of plane p) / divisor, as float32. The sum is the host loop's (src/planes.ts,
 * `sumRow`) to the bit: eight float64 partial sums, element i going to partial i mod 8, the
 * elements past the last whole group of eight added to partial 0 in order, the partials combined as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); here two partials to an f64x2 lane pair.
 *
 * The threads take blocks of `block` planes from the counter at `next` (an i32 the host zeroes);
 * the i32 at `ready` counts the planes the host has copied in so far, and a thread waits for its
 * block to arrive, so the sums start while the host is still copying. Everything is derived from the
 * arguments after the wait (assembly/winograd.ts: V8's baseline tier on Node 20 was seen to lose a
 * local held across memory.atomic.wait32).
 */
export function planeMeans(x: usize, planes: i32, size: i32, divisor: f64, out: usize, block: i32, next: usize, ready: usize,
  part: i32, parts: i32): void {
  for (let b = atomic.add<i32>(next, 1); b * block < planes; b = atomic.add<i32>(next, 1)) {
    const p1 = min(planes, (b + 1) * block);
    for (let have = atomic.load<i32>(ready); have < p1; have = atomic.load<i32>(ready)) {
      memory.atomic.wait32(ready, have, 1_000_000); // 1 ms: the host notifies after each copy
    }
    for (let p = b * block; p < p1; p++) {
      store<f32>(out + (<usize>p << 2), <f32>(planeSum(x + (<usize>p * <usize>size << 2), size) / divisor));
    }
  }
}

/** The sum of `n` floats at `q`, in sumRow's order (above). */
// @ts-ignore: decorator
@inline function planeSum(q: usize, n: i32): f64 {
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), s45 = f64x2.splat(0), s67 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8, q += 32) {
    const a = v128.load(q), b = v128.load(q, 16);
    s01 = f64x2.add(s01, f64x2.promote_low_f32x4(a));
    s23 = f64x2.add(s23, f64x2.promote_low_f32x4(i32x4.shuffle(a, a, 2, 3, 2, 3)));
    s45 = f64x2.add(s45, f64x2.promote_low_f32x4(b));
    s67 = f64x2.add(s67, f64x2.promote_low_f32x4(i32x4.shuffle(b, b, 2, 3, 2, 3)));
  }
  let s0 = f64x2.extract_lane(s01, 0);
  for (; i < n; i++, q += 4) s0 += <f64>load<f32>(q);
  return ((s0 + f64x2.extract_lane(s01, 1)) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1))) +
    ((f64x2.extract_lane(s45, 0) + f64x2.extract_lane(s45, 1)) + (f64x2.extract_lane(s67, 0) + f64x2.extract_lane(s67, 1)));
}
