// Pooling kernels that move values by index: the shared max-pool backward, fractional max
// pooling, max unpooling. Indices are float32 integers, flat within one plane.

export function maxPoolBackward(gOut: Float32Array, argmax: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void {
  out.fill(0, 0, planes * inPlane);
  for (let p = 0; p < planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let o = 0; o < outPlane; o++) out[ib + argmax[ob + o]!] += gOut[ob + o]!;
  }
}

export function fractionalMaxPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number,
  kH: number, kW: number, startsH: Int32Array, startsW: Int32Array, out: Float32Array, argmax: Float32Array): void {
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = startsH[p * outH + oh]!;
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = startsW[p * outW + ow]!;
        let best = -Infinity, at = h0 * inW + w0;
        for (let ih = h0; ih < h0 + kH; ih++) {
          const row = ih * inW;
          for (let iw = w0; iw < w0 + kW; iw++) {
            const v = x[base + row + iw]!;
            if (v > best || v !== v) { best = v; at = row + iw; }
          }
        }
        out[o] = best;
        argmax[o] = at;
      }
    }
  }
}

export function maxUnpool(x: Float32Array, indices: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void {
  for (let p = 0; p < planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let i = 0; i < inPlane; i++) out[ob + indices[ib + i]!] = x[ib + i]!;
  }
}

export function maxUnpoolBackward(gOut: Float32Array, indices: Float32Array, planes: number, inPlane: number, outPlane: number, out: Float32Array): void {
  for (let p = 0; p < planes; p++) {
    const ib = p * inPlane, ob = p * outPlane;
    for (let i = 0; i < inPlane; i++) out[ib + i] = gOut[ob + indices[ib + i]!]!;
  }
}
