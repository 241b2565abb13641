// Where a training or inference step of a model spends its time: runs steps under the V8 sampling
// profiler (node:inspector) and prints self time by function, top first.
//   pnpm exec tsx bench/profile.ts [nin] [train|infer] [steps]   (backend from TAPEGRAD_BACKEND)
import { Session } from 'node:inspector';
import { getBackend } from 'tapegrad';
import { countArg, modelStep } from './step.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number }

const [name = 'nin', pass = 'train', stepsArg = '10'] = process.argv.slice(2);
const step = modelStep('profile', name, pass);
const batch = pass === 'train' ? 64 : 256;
const session = new Session();
session.connect();
const post = (method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 200 });
await post('Profiler.start');
const t0 = performance.now();
const steps = countArg('profile', 'steps', stepsArg);
for (let i = 0; i < steps; i++) step();
const ms = (performance.now() - t0) / steps;
const { profile } = (await post('Profiler.stop')) as { profile: Profile };
const total = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
const byFn = new Map<string, number>();
for (const n of profile.nodes) {
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + (n.hitCount ?? 0));
}
console.log(`${name} ${pass} on ${getBackend().name}: ${ms.toFixed(1)} ms/step, ${(batch / ms * 1000).toFixed(0)} img/s`);
for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(100 * v / total).toFixed(1).padStart(5)}%  ${(ms * v / total).toFixed(1).padStart(6)} ms  ${k}`);
