/** Numerically stable softmax / log-softmax along the middle axis of (outer, dim, inner). */
export function softmax(x: Float32Array, outer: number, dim: number, inner: number, log: boolean, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let m = -Infinity;
      for (let k = 0; k < dim; k++) { const v = x[base + k * inner]!; if (v > m || v !== v) m = v; }
      if (m === -Infinity) m = 0; // all -inf: keep exp(-inf - 0) = 0 and let 0/0 give NaN as PyTorch
      let s = 0;
      for (let k = 0; k < dim; k++) s += Math.exp(x[base + k * inner]! - m);
      if (log) {
        const ls = Math.log(s) + m;
        for (let k = 0; k < dim; k++) out[base + k * inner] = x[base + k * inner]! - ls;
      } else {
        const inv = 1 / s;
        for (let k = 0; k < dim; k++) out[base + k * inner] = Math.exp(x[base + k * inner]! - m) * inv;
      }
    }
  }
}

/**
 * softmax:     dx = y * (g - sum(g * y))
 * log-softmax: dx = g - exp(y) * sum(g)
 */
export function softmaxBackward(y: Float32Array, g: Float32Array, outer: number, dim: number, inner: number, log: boolean, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      let s = 0;
      if (log) {
        for (let k = 0; k < dim; k++) s += g[base + k * inner]!;
        for (let k = 0; k < dim; k++) { const j = base + k * inner; out[j] = g[j]! - Math.exp(y[j]!) * s; }
      } else {
        for (let k = 0; k < dim; k++) { const j = base + k * inner; s += g[j]! * y[j]!; }
        for (let k = 0; k < dim; k++) { const j = base + k * inner; out[j] = y[j]! * (g[j]! - s); }
      }
    }
  }
}
