// Jumping a xoshiro128** state ahead by any number of draws, so that threads can each draw their own
// stretch of one sequence. The state update (not the output function) is linear over GF(2): one draw
// multiplies the 128-bit state by a fixed 128 x 128 bit matrix M, and k draws by M^k, the product of
// the powers M^(2^j) for the bits j set in k. Those powers are made once, by squaring, as needed;
// M itself is read off the Generator's own step, applied to each basis state.
import { Generator } from '@tapegrad/tensor';

/** `out` = m s: the XOR of m's columns (128 of 4 words, column c at 4c: the image of state bit c) for the bits set in `s`. */
function apply(m: Int32Array, s: Int32Array, out: Int32Array): void {
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  for (let w = 0; w < 4; w++) {
    const word = s[w]!;
    for (let b = 0; b < 32; b++) {
      if (((word >>> b) & 1) === 0) continue;
      const c = 4 * (32 * w + b);
      r0 ^= m[c]!; r1 ^= m[c + 1]!; r2 ^= m[c + 2]!; r3 ^= m[c + 3]!;
    }
  }
  out[0] = r0; out[1] = r1; out[2] = r2; out[3] = r3;
}

/** powers[j] = M^(2^j), column by column. */
const powers: Int32Array[] = [];

function power(j: number): Int32Array {
  while (powers.length <= j) {
    const m = new Int32Array(512);
    if (powers.length === 0) {
      // column c: the state with only bit c set, after one draw of the Generator's own step
      const g = new Generator(), words = g.stateWords();
      for (let c = 0; c < 128; c++) {
        words.fill(0);
        words[c >> 5] = 1 << (c & 31);
        g.nextUint32();
        m.set(words, 4 * c);
      }
    } else {
      const prev = powers[powers.length - 1]!, col = new Int32Array(4);
      for (let c = 0; c < 128; c++) {
        apply(prev, prev.subarray(4 * c, 4 * c + 4), col);
        m.set(col, 4 * c);
      }
    }
    powers.push(m);
  }
  return powers[j]!;
}

/**
 * `out` = the state words `s` after `k` draws (k a non-negative integer below 2^53), in at most one
 * matrix product per bit of k.
 */
export function jumpState(s: Int32Array, k: number, out: Int32Array): void {
  out.set(s.subarray(0, 4));
  const tmp = new Int32Array(4);
  for (let j = 0; k > 0; j++, k = Math.floor(k / 2)) {
    if (k % 2 === 0) continue;
    apply(power(j), out, tmp);
    out.set(tmp);
  }
}
