// A dropout mask drawn from xoshiro128** state words: the CPU kernel (`fillMask`), and the two
// numbers every implementation of it derives from p and value (the wasm kernel draws the same
// sequence from the same words).

/**
 * `below`: draw i is under p exactly when its top 24 bits are under `below` (random() < p, with
 * random() = (r >>> 8) * 2^-24, and a power-of-two scale is exact); `valueBits`: value's float32 bits.
 */
export function maskBits(p: number, value: number): { below: number; valueBits: number } {
  return { below: Math.ceil(p * 16777216), valueBits: new Int32Array(new Float32Array([value]).buffer)[0]! };
}

/**
 * out[i] = draw i < p ? 0 : value for i < out.length, in order, the draws those of xoshiro128** from
 * the state words `s` (advanced in place, as by out.length calls of Generator.random()). The state
 * lives in locals through the loop, and the sign of r - below selects without a branch (a random
 * mask would mispredict one half the time).
 */
export function fillMask(s: Int32Array, p: number, value: number, out: Float32Array): void {
  const { below, valueBits } = maskBits(p, value);
  let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
  const bits = new Int32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < out.length; i++) {
    const x = Math.imul(s1, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9) >>> 8;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    bits[i] = valueBits & ~((r - below) >> 31);
  }
  s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
}
