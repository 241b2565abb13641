// Pooling kernels that move values by index, split over threads by planes. Indices are float32
// integers, flat within one plane.

/**
 * Backward of every max-type pooling: out (planes x inPlane) = 0, then out[p, argmax[p, o]] +=
 * gOut[p, o] in o order (float32 adds, as the CPU kernel's float64 add rounded to float32). An
 * index that is not an integer in [0, inPlane) is skipped rather than written outside the plane.
 */
export function maxPoolBackward(gOut: usize, argmax: usize, planes: i32, inPlane: i32, outPlane: i32, out: usize, part: i32, parts: i32): void {
  const p0 = planes * part / parts, p1 = planes * (part + 1) / parts;
  for (let p = p0; p < p1; p++) {
    const base = out + (<usize>(p * inPlane) << 2);
    memory.fill(base, 0, <usize>inPlane << 2);
    const go = gOut + (<usize>(p * outPlane) << 2), ia = argmax + (<usize>(p * outPlane) << 2);
    for (let o = 0; o < outPlane; o++) {
      const v = load<f32>(ia + (<usize>o << 2));
      const at = <i32>v;
      if (<u32>at >= <u32>inPlane || <f32>at != v) continue;
      const a = base + (<usize>at << 2);
      store<f32>(a, load<f32>(a) + load<f32>(go + (<usize>o << 2)));
    }
  }
}
