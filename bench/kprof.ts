// Time per backend kernel over training or inference steps of a model (each kernel wrapped with a
// timer), so work can aim at the biggest cost.
//   TAPEGRAD_BACKEND=wasm pnpm exec tsx bench/kprof.ts [nin|nin-fc|squeezenet|nin-bn] [train|infer] [steps] [--by-shape]
// --by-shape: convolution calls apart by geometry (C->O kHxkW on HxW), binary ops by op and shape,
// the others by their first argument's length, so the row to work on is one layer.
import { getBackend, setBackend, type Conv2dGeometry } from 'tapegrad';
import { countArg, modelStep } from './step.js';

const args = process.argv.slice(2);
const byShape = args.includes('--by-shape');
const [name = 'nin', pass = 'train', stepsArg = '10'] = args.filter((a) => a !== '--by-shape');
const step = modelStep('kprof', name, pass);
const steps = countArg('kprof', 'steps', stepsArg);
const b = getBackend() as unknown as Record<string, unknown>;
const times = new Map<string, [number, number]>();
const wrapped: Record<string, unknown> = {};
for (const [k, f] of Object.entries(b)) {
  if (typeof f !== 'function') { wrapped[k] = f; continue; }
  wrapped[k] = (...a: unknown[]) => {
    const t = performance.now();
    const r = (f as (...x: unknown[]) => unknown)(...a);
    const key = byShape ? `${k} ${shapeOf(k, a)}` : k;
    const e = times.get(key) ?? [0, 0];
    e[0] += performance.now() - t; e[1]++;
    times.set(key, e);
    return r;
  };
}
setBackend(wrapped as never);
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
let tot = 0;
console.log(`${name} ${pass}: ${ms.toFixed(1)} ms/step`);
for (const [k, [t, c]] of [...times].sort((a, b) => b[1][0] - a[1][0])) { tot += t; console.log(`${(t / steps).toFixed(2).padStart(8)} ms ${String(c / steps).padStart(5)}x ${k}`); }
console.log(`kernels ${(tot / steps).toFixed(1)} ms, outside ${(ms - tot / steps).toFixed(1)} ms`);

/** A call's geometry for --by-shape: a convolution's from its geometry argument, else its op and shape (binary), its first argument's length (or value: alloc's, empty's). */
function shapeOf(kernel: string, a: unknown[]): string {
  if (kernel.startsWith('conv2d')) {
    const g = a[3] as Conv2dGeometry; // conv2d(x, w, bias, g, ...), conv2dBackward(gradOut, x, w, g, ...)
    return `${g.C}->${g.O} ${g.kH}x${g.kW} on ${g.H}x${g.W}`;
  }
  const first = a[0];
  if (typeof first === 'number') return `(${first})`;
  if (typeof first === 'string' && Array.isArray(a[1])) return `${first} [${(a[1] as number[]).join(', ')}]`; // binary, copy: op and shape
  return first instanceof Float32Array ? `(${first.length})` : '';
}
