// What a training step costs beyond its kernels: wall time, CPU time, page faults and garbage
// collections per step (batch 64, SGD), for comparing memory policies on one machine.
//   pnpm exec tsx bench/steps.ts [nin|nin-fc|squeezenet|nin-bn] [steps]
//   TAPEGRAD_RECYCLE=0 pnpm exec tsx bench/steps.ts nin 20     # without recycled gradient buffers
// The backend is the default one (TAPEGRAD_BACKEND / TAPEGRAD_THREADS choose another).
import { PerformanceObserver } from 'node:perf_hooks';
import { countArg, modelStep } from './step.js';

const [name = 'nin', stepsArg = '20'] = process.argv.slice(2);
const step = modelStep('steps', name, 'train');
const steps = countArg('steps', 'steps', stepsArg);

// V8's collections by kind (1 minor, 2 major, 4 incremental marking, 8 weak callbacks)
const gc = new Map<number, { ms: number; n: number }>();
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail: { kind: number } }).detail.kind;
    const k = gc.get(kind) ?? { ms: 0, n: 0 };
    k.ms += e.duration;
    k.n++;
    gc.set(kind, k);
  }
});
observer.observe({ entryTypes: ['gc'] });

const r0 = process.resourceUsage();
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
const r1 = process.resourceUsage();
await new Promise((r) => setTimeout(r, 50)); // the observer's last entries
observer.disconnect();

const per = (v: number): string => (v / steps).toFixed(1);
let gcMs = 0, gcN = 0;
for (const k of gc.values()) { gcMs += k.ms; gcN += k.n; }
const kinds = [...gc].sort((a, b) => a[0] - b[0]).map(([kind, k]) => `kind ${kind}: ${per(k.n)} x ${(k.ms / k.n).toFixed(1)} ms`).join(', ');
console.log(`${name}, recycling ${process.env['TAPEGRAD_RECYCLE'] === '0' ? 'off' : 'on'}: ${ms.toFixed(1)} ms per step; CPU ` +
  `${per((r1.userCPUTime + r1.systemCPUTime - r0.userCPUTime - r0.systemCPUTime) / 1000)} ms (system ${per((r1.systemCPUTime - r0.systemCPUTime) / 1000)}); ` +
  `${per(r1.minorPageFault - r0.minorPageFault)} page faults; GC ${per(gcMs)} ms in ${per(gcN)} collections (${kinds}); peak RSS ${(r1.maxRSS / 1024).toFixed(0)} MiB`);
