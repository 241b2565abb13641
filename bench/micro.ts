// docs/benchmark.md's micro-benchmarks: global average pooling four ways on (64, 96, 64, 64), and
// maxPool2d(x, 3, { stride: 2 }) on (64, 64, 56, 56); forward (noGrad) and forward + backward of a
// fixed random upstream gradient, the input's .grad reset before each step.
import { Generator, randn, type Tensor, noGrad, Variable, F } from 'tapegrad';
import { emit, measure, peakRssMiB, PLANS, stats, type BenchRecord } from './measure.js';

interface Case {
  readonly bench: string;
  readonly way: string;
  readonly f: (x: Variable) => Variable;
  readonly x: Tensor;
}

export function runMicro(common: BenchRecord, budgetS: number, quick: boolean): void {
  const g = new Generator(4321);
  const gapShape = quick ? [16, 96, 64, 64] : [64, 96, 64, 64];
  const poolShape = quick ? [16, 64, 56, 56] : [64, 64, 56, 56];
  const x = randn(gapShape, { generator: g });
  const [, , h, w] = gapShape as [number, number, number, number];
  const cases: Case[] = [
    { bench: 'gap', way: 'avgPool2d(x, [H, W])', f: (v) => F.avgPool2d(v, [h, w]), x },
    { bench: 'gap', way: 'adaptiveAvgPool2d(x, 1)', f: (v) => F.adaptiveAvgPool2d(v, 1), x },
    { bench: 'gap', way: 'x.mean([2, 3])', f: (v) => v.mean([2, 3]), x },
    { bench: 'gap', way: 'globalAvgPool2d(x)', f: (v) => F.globalAvgPool2d(v), x },
    { bench: 'maxpool', way: 'maxPool2d(x, 3, { stride: 2 })', f: (v) => F.maxPool2d(v, 3, { stride: 2 }), x: randn(poolShape, { generator: g }) },
  ];
  for (const c of cases) {
    const base: BenchRecord = { bench: c.bench, way: c.way, shape: c.x.shape };
    try {
      const out = noGrad(() => c.f(new Variable(c.x)));
      const gup = randn(out.shape, { generator: g });
      const xg = new Variable(c.x, { requiresGrad: true });
      const fwd = (): void => { noGrad(() => c.f(new Variable(c.x))); };
      const fwdBwd = (): void => {
        xg.zeroGrad();
        c.f(xg).backward(gup);
      };
      for (const [pass, step] of [['forward', fwd], ['forward+backward', fwdBwd]] as const) {
        const t = measure(step, PLANS.micro, budgetS);
        emit({ ...base, out_shape: out.shape, pass, ...stats(t), ...common, peak_rss_mib: peakRssMiB() });
      }
    } catch (e) {
      for (const pass of ['forward', 'forward+backward']) emit({ ...base, pass, error: String(e).slice(0, 300), ...common });
    }
  }
}
