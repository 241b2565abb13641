// The four ways of computing global average pooling: equal outputs and their speed.
import { Generator, randn, type Tensor, Variable, mean, F } from 'tapegrad';

export interface GapWay {
  name: string;
  /** Largest |difference| from `globalAvgPool2d`'s output. */
  maxDiff: number;
  /** Largest |difference| of the input gradient from `globalAvgPool2d`'s. */
  maxGradDiff: number;
  forwardMs: number;
  forwardBackwardMs: number;
}

const WAYS: [string, (x: Variable) => Variable][] = [
  ['F.globalAvgPool2d(x)', (x) => F.globalAvgPool2d(x)],
  ['F.avgPool2d(x, [H, W])', (x) => F.avgPool2d(x, [x.shape[2]!, x.shape[3]!]).flatten(1)],
  ['F.adaptiveAvgPool2d(x, 1)', (x) => F.adaptiveAvgPool2d(x, 1).flatten(1)],
  ['mean(x, [2, 3])', (x) => mean(x, [2, 3])],
];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.toArray(), y = b.toArray();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

/** Runs each way on x of `shape` (default docs/benchmark.md's (64, 96, 64, 64)), `repeats` timed runs after one warm-up. */
export function compareGapWays(shape: readonly number[] = [64, 96, 64, 64], repeats = 5): GapWay[] {
  const g = new Generator(7);
  const x = new Variable(randn(shape, { generator: g }), { requiresGrad: true });
  const upstream = randn([shape[0]!, shape[1]!], { generator: g });
  let ref: { out: Tensor; grad: Tensor } | null = null;
  return WAYS.map(([name, fn]) => {
    const fwd: number[] = [], fb: number[] = [];
    let out: Tensor | null = null, grad: Tensor | null = null;
    for (let r = 0; r <= repeats; r++) {
      let t = performance.now();
      const y = fn(new Variable(x.data));
      if (r > 0) fwd.push(performance.now() - t);
      x.grad = null;
      t = performance.now();
      const y2 = fn(x);
      y2.backward(upstream);
      if (r > 0) fb.push(performance.now() - t);
      out = y.data;
      grad = x.grad!;
    }
    ref ??= { out: out!, grad: grad! };
    return { name, maxDiff: maxAbsDiff(out!, ref.out), maxGradDiff: maxAbsDiff(grad!, ref.grad), forwardMs: median(fwd), forwardBackwardMs: median(fb) };
  });
}
