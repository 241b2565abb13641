// indexSelect and indexAdd: gathers and scatter-adds of whole slabs along the middle axis of
// contiguous x viewed as (outer, n, inner); `indices` is a buffer of k int32 indices in [0, n)
// (checked by the caller, as on the CPU backend).
import type { KernelRunner, KernelSpec } from '../runner.js';
import { WG, main1d, paramsDecl, pi, storage } from '../wgsl.js';

const selectSpec: KernelSpec = {
  key: 'indexSelect',
  wgsl: () => `${paramsDecl(0, 4)}${storage(1, 'x', false)}${storage(2, 'idx', false, 'i32')}${storage(3, 'out', true)}
${main1d()}  let n = ${pi(1)}; let inner = ${pi(2)}; let k = ${pi(3)};
  if (p >= ${pi(0)} * k * inner) { return; }
  let i = p % inner; let oj = p / inner; let j = oj % k; let o = oj / k;
  out[p] = x[(o * n + idx[j]) * inner + i];
}
`,
};

/** (outer, n, inner) -> (outer, k, inner): out[o, j, i] = x[o, indices[j], i]. */
export function indexSelect(r: KernelRunner, x: GPUBuffer, outer: number, n: number, inner: number, indices: GPUBuffer, out: GPUBuffer): void {
  const k = r.length(indices);
  const total = outer * k * inner;
  if (total === 0) return;
  r.run(selectSpec, { buffers: [x, indices, out], ints: [outer, n, inner, k], workgroups: r.grid(Math.ceil(total / WG)) });
}

// WGSL has no float atomics, so the adjoint runs in gather form: one invocation per element of
// `out` scans all k indices and adds the slabs that land on it, in order of j (so the float32 sums
// are the CPU backend's bit for bit). Costs outer * n * inner * k index reads: fine for the
// embedding-sized calls of tests, slow for a large vocabulary.
const addSpec: KernelSpec = {
  key: 'indexAdd',
  wgsl: () => `${paramsDecl(0, 4)}${storage(1, 'g', false)}${storage(2, 'idx', false, 'i32')}${storage(3, 'out', true)}
${main1d()}  let n = ${pi(1)}; let inner = ${pi(2)}; let k = ${pi(3)};
  if (p >= ${pi(0)} * n * inner) { return; }
  let i = p % inner; let om = p / inner; let m = om % n; let o = om / n;
  var acc = out[p];
  for (var j = 0; j < k; j++) {
    if (idx[j] == m) { acc += g[(o * k + j) * inner + i]; }
  }
  out[p] = acc;
}
`,
};

/** The adjoint of indexSelect: out (outer, n, inner)[o, indices[j], i] += g (outer, k, inner)[o, j, i]. */
export function indexAdd(r: KernelRunner, g: GPUBuffer, outer: number, n: number, inner: number, indices: GPUBuffer, out: GPUBuffer): void {
  const k = r.length(indices);
  const total = outer * n * inner;
  if (total === 0 || k === 0) return;
  r.run(addSpec, { buffers: [g, indices, out], ints: [outer, n, inner, k], workgroups: r.grid(Math.ceil(total / WG)) });
}
