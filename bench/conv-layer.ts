// Forward and backward time of one nin-sized convolution layer: batch 64, Conv2d(32, 64, 5, padding 2)
// on 14x14 (block 2's first conv), on the active backend. Run: pnpm exec tsx bench/conv-layer.ts [--iters N]
import { performance } from 'node:perf_hooks';
import { Generator, randn, getBackend, Variable, Conv2d } from 'tapegrad';

const itersArg = process.argv.indexOf('--iters');
const iters = itersArg >= 0 ? Number(process.argv[itersArg + 1]) : 5;
const g = new Generator(0);
const layer = new Conv2d(32, 64, 5, { padding: 2, generator: g });
const x = new Variable(randn([64, 32, 14, 14], { generator: g }), { requiresGrad: true });
const upstream = randn([64, 64, 14, 14], { generator: g });

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fwd: number[] = [], bwd: number[] = [];
for (let i = 0; i < iters + 2; i++) {
  layer.zeroGrad();
  x.grad = null;
  const t0 = performance.now();
  const y = layer.forward(x);
  const t1 = performance.now();
  y.backward(upstream);
  const t2 = performance.now();
  if (i >= 2) { fwd.push(t1 - t0); bwd.push(t2 - t1); } // the first two runs warm up the JIT
}
const flops = 2 * 64 * 64 * 14 * 14 * 32 * 25; // multiply-adds x 2 of the forward
const f = median(fwd), b = median(bwd);
console.log(`conv-layer ${getBackend().name}: Conv2d(32, 64, 5, padding 2), x (64, 32, 14, 14), ${iters} runs (median)`);
console.log(`  forward  ${f.toFixed(1)} ms  (${(flops / f / 1e6).toFixed(2)} GFLOP/s)`);
console.log(`  backward ${b.toFixed(1)} ms  (input + weight + bias gradients, ${(2 * flops / b / 1e6).toFixed(2)} GFLOP/s)`);
