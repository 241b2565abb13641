// Pooling kernels alone on the shapes of docs/benchmark.md's models (batch 64) and its max-pool
// micro-benchmark: ms per call of each backend kernel, outputs freshly allocated per call as in a
// training step. Usage: TAPEGRAD_BACKEND=wasm npx tsx bench/pool-kernels.ts [reps]
import { Generator, getBackend, cpuBackend, type Backend, type Pool2dGeometry } from 'tapegrad';

const reps = Number(process.argv[2] ?? '20');
const g = new Generator(7);
const randArray = (n: number): Float32Array => Float32Array.from({ length: n }, () => g.normal());

/** Pool 3, stride 2 (ceil mode when asked) over (64, c, h, h). */
function geom(c: number, h: number, ceil: boolean): Pool2dGeometry {
  const o = ceil ? Math.ceil((h - 3) / 2) + 1 : Math.floor((h - 3) / 2) + 1;
  return { planes: 64 * c, inH: h, inW: h, outH: o, outW: o, kH: 3, kW: 3, sH: 2, sW: 2, pH: 0, pW: 0, dH: 1, dW: 1 };
}

function time(f: () => void): number {
  for (let i = 0; i < 3; i++) f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1]!;
}

function run(label: string, be: Backend): void {
  const cases: [string, Pool2dGeometry][] = [
    ['nin avg (64,64,14,14)', geom(64, 14, true)],
    ['squeezenet max (64,64,28,28)', geom(64, 28, true)],
    ['squeezenet max (64,128,14,14)', geom(128, 14, true)],
    ['micro max (64,64,56,56)', geom(64, 56, false)],
  ];
  for (const [name, q] of cases) {
    const inSize = q.planes * q.inH * q.inW, outSize = q.planes * q.outH * q.outW;
    const x = randArray(inSize), gOut = randArray(outSize);
    const out = new Float32Array(outSize), argmax = new Float32Array(outSize);
    be.maxPool2d(x, q, out, argmax);
    const row: string[] = [];
    if (name.includes('avg')) {
      row.push(`avgPool2d ${time(() => be.avgPool2d(x, q, true, 0, be.alloc(outSize))).toFixed(2)}`);
      row.push(`avgPool2dBackward ${time(() => be.avgPool2dBackward(gOut, q, true, 0, be.alloc(inSize))).toFixed(2)}`);
    } else {
      row.push(`maxPool2d ${time(() => be.maxPool2d(x, q, be.alloc(outSize), be.alloc(outSize))).toFixed(2)}`);
      row.push(`maxPoolBackward ${time(() => be.maxPoolBackward(gOut, argmax, q.planes, q.inH * q.inW, q.outH * q.outW, be.alloc(inSize))).toFixed(2)}`);
    }
    console.log(`${label.padEnd(5)} ${name.padEnd(30)} ${row.join('  ')} ms`);
  }
}

run('cpu', cpuBackend);
if (getBackend() !== cpuBackend) run(getBackend().name, getBackend());
process.exit(0);
