// A dropout mask drawn from a Generator's xoshiro128** state (packages/tensor/src/random/mask.ts is
// the CPU kernel): the same draws in the same order, so the mask is the CPU kernel's bit for bit and
// the generator ends in the same state. One thread: the draws are one sequence.

/**
 * out[i] = (draw i >>> 8) < below ? 0 : value for i < n (valueBits: value's float32 bits), the
 * draws those of xoshiro128** from the four i32 state words at `state`, advanced in place.
 */
export function fillMask(state: usize, below: i32, valueBits: i32, out: usize, n: i32): void {
  let s0 = load<i32>(state), s1 = load<i32>(state, 4), s2 = load<i32>(state, 8), s3 = load<i32>(state, 12);
  for (let i = 0; i < n; i++) {
    const r = <i32>(<u32>(rotl<i32>(s1 * 5, 7) * 9) >> 8);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<i32>(s3, 11);
    // the sign of r - below selects without a branch
    store<i32>(out + (<usize>i << 2), valueBits & ~((r - below) >> 31));
  }
  store<i32>(state, s0);
  store<i32>(state, s1, 4);
  store<i32>(state, s2, 8);
  store<i32>(state, s3, 12);
}
