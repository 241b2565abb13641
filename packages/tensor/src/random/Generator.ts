import { fail } from '../validate.js';
import { fillMask } from './mask.js';

/** Serializable generator state: the four 32-bit words of xoshiro128**. */
export interface GeneratorState {
  readonly algorithm: 'xoshiro128**';
  readonly s: readonly [number, number, number, number];
}

function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [x, (z ^ (z >>> 16)) >>> 0];
}

/**
 * A seeded pseudo-random generator (xoshiro128**, 32-bit integer arithmetic only), so the same seed
 * gives the same numbers on every machine and JavaScript engine.
 */
export class Generator {
  // State words live in an Int32Array: plain number fields holding uint32 values above 2^30 are
  // not small integers in V8 and make every step box or deoptimise (measured ~4x slower).
  private readonly s = new Int32Array(4);

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds this generator. Seeds are integers in [0, 2^53). */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      fail('manualSeed', `seed ${String(seed)} is not a non-negative safe integer; expected an integer in [0, 2^53)`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = lo ^ Math.imul(hi, 0x27d4eb2d);
    let w: number;
    const st = this.s;
    [x, w] = splitmix32(x); st[0] = w;
    [x, w] = splitmix32(x ^ hi); st[1] = w;
    [x, w] = splitmix32(x); st[2] = w;
    [, w] = splitmix32(x); st[3] = w;
    if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1;
    return this;
  }

  getState(): GeneratorState {
    const st = this.s;
    return { algorithm: 'xoshiro128**', s: [st[0]! >>> 0, st[1]! >>> 0, st[2]! >>> 0, st[3]! >>> 0] };
  }

  setState(state: GeneratorState): void {
    const s: unknown = state?.s;
    if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(s) || s.length !== 4 ||
        !s.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || s.every((v) => v === 0)) {
      fail('Generator.setState', `state ${JSON.stringify(state)} is not a generator state; expected { algorithm: 'xoshiro128**', s: four uint32, not all 0 }`);
    }
    this.s.set(s as number[]);
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const st = this.s;
    const s0 = st[0]!, s1 = st[1]!;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const s2 = st[2]! ^ s0;
    const s3 = st[3]! ^ s1;
    st[1] = s1 ^ s2;
    st[0] = s0 ^ s3;
    st[2] = s2 ^ t;
    st[3] = rotl(s3, 11);
    return r;
  }

  /** A uniform float in [0, 1) with 24 random bits (exactly representable in float32). */
  random(): number {
    return (this.nextUint32() >>> 8) * 5.9604644775390625e-8;
  }

  /**
   * out[i] = random() < p ? 0 : value for every i, in order: the same draws and the same state
   * afterwards as calling random() once per element, in one loop (a dropout mask; the backends'
   * `fillMask` kernel draws the same, in their memory).
   */
  fillMask(out: Float32Array, p: number, value: number): void {
    if (!(p >= 0 && p <= 1)) fail('Generator.fillMask', `p ${String(p)} is out of range; expected a probability in [0, 1]`);
    fillMask(this.s, p, value, out);
  }

  /** @internal The four state words, for a kernel that draws from them and advances them in place (`fillMask`). */
  stateWords(): Int32Array {
    return this.s;
  }

  /** A uniform integer in [0, n). */
  randint(n: number): number {
    return Math.floor(this.random53() * n);
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  random53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal sample (Box-Muller; uses two uniforms per sample so the state stays simple). */
  normal(): number {
    const u1 = 1 - this.random53();
    const u2 = this.random53();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` with a uniform permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number, out: Int32Array = new Int32Array(n)): Int32Array {
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.randint(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The global generator every random op uses when given none. */
export const defaultGenerator = new Generator(0);

/** Seeds the global generator. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
