// Gather and scatter-add of whole slabs along one axis: x viewed as (outer, n, inner), the
// indices already checked to lie in [0, n) at the op boundary.

// out[o, j, i] = x[o, indices[j], i]   (flat: out[(o*k + j)*inner + i] = x[(o*n + indices[j])*inner + i])
export function indexSelect(x: Float32Array, outer: number, n: number, inner: number, indices: Int32Array, out: Float32Array): void {
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * n + indices[j]!) * inner, dst = (o * k + j) * inner;
      if (inner === 1) out[dst] = x[src]!;
      else out.set(x.subarray(src, src + inner), dst);
    }
  }
}

// out[o, indices[j], i] += g[o, j, i], in order of j (a repeated index sums its slabs)
export function indexAdd(g: Float32Array, outer: number, n: number, inner: number, indices: Int32Array, out: Float32Array): void {
  const k = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const src = (o * k + j) * inner, dst = (o * n + indices[j]!) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += g[src + i]!;
    }
  }
}
