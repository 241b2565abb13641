// A dropout mask drawn from a Generator's xoshiro128** state (packages/tensor/src/random/mask.ts is
// the CPU kernel): the same draws in the same order, so the mask is the CPU kernel's bit for bit and
// the generator ends in the same state. Each thread draws its own stretch of the one sequence, from
// the state the host jumped ahead to its first element (src/jump.ts).

/**
 * out[i] = (draw i >>> 8) < below ? 0 : value for i in this part's stretch [n part / parts,
 * n (part + 1) / parts) (valueBits: value's float32 bits), the draws those of xoshiro128** from the
 * four i32 state words at `states + 16 part` (the state before the stretch's first draw), left there
 * advanced past its last.
 */
export function fillMask(states: usize, below: i32, valueBits: i32, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = <i32>(<i64>n * part / parts), i1 = <i32>(<i64>n * (part + 1) / parts);
  const state = states + (<usize>part << 4);
  let s0 = load<i32>(state), s1 = load<i32>(state, 4), s2 = load<i32>(state, 8), s3 = load<i32>(state, 12);
  for (let i = i0; i < i1; i++) {
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
