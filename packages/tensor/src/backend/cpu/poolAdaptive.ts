// Adaptive pooling: bin i of an axis of length L pooled to `out` bins covers
// [floor(i * L / out), ceil((i + 1) * L / out)); bins may overlap, and out > L is allowed.

function binStart(i: number, L: number, out: number): number {
  return Math.floor((i * L) / out);
}

function binEnd(i: number, L: number, out: number): number {
  return Math.ceil(((i + 1) * L) / out);
}

export function adaptiveAvgPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array): void {
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = binStart(oh, inH, outH), h1 = binEnd(oh, inH, outH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = binStart(ow, inW, outW), w1 = binEnd(ow, inW, outW);
        let sum = 0;
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * inW;
          for (let iw = w0; iw < w1; iw++) sum += x[row + iw]!;
        }
        out[o] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
}

export function adaptiveAvgPool2dBackward(gOut: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array): void {
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = binStart(oh, inH, outH), h1 = binEnd(oh, inH, outH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = binStart(ow, inW, outW), w1 = binEnd(ow, inW, outW);
        const share = gOut[o]! / ((h1 - h0) * (w1 - w0));
        for (let ih = h0; ih < h1; ih++) {
          const row = base + ih * inW;
          for (let iw = w0; iw < w1; iw++) out[row + iw] += share;
        }
      }
    }
  }
}

export function adaptiveMaxPool2d(x: Float32Array, planes: number, inH: number, inW: number, outH: number, outW: number, out: Float32Array, argmax: Float32Array): void {
  const inPlane = inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = binStart(oh, inH, outH), h1 = binEnd(oh, inH, outH);
      for (let ow = 0; ow < outW; ow++, o++) {
        const w0 = binStart(ow, inW, outW), w1 = binEnd(ow, inW, outW);
        let best = -Infinity, at = h0 * inW + w0;
        for (let ih = h0; ih < h1; ih++) {
          const row = ih * inW;
          for (let iw = w0; iw < w1; iw++) {
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

// (D, H, W) planes: element (d, h, w) at (d * H + h) * W + w.
export function adaptiveAvgPool3d(x: Float32Array, planes: number, inD: number, inH: number, inW: number,
  outD: number, outH: number, outW: number, out: Float32Array): void {
  adaptive3d(x, planes, inD, inH, inW, outD, outH, outW, out, false);
}

export function adaptiveAvgPool3dBackward(gOut: Float32Array, planes: number, inD: number, inH: number, inW: number,
  outD: number, outH: number, outW: number, out: Float32Array): void {
  adaptive3d(gOut, planes, inD, inH, inW, outD, outH, outW, out, true);
}

/** Forward (sum each bin of `src` into `dst`) or backward (spread each `src` entry over its bin of `dst`). */
function adaptive3d(src: Float32Array, planes: number, inD: number, inH: number, inW: number,
  outD: number, outH: number, outW: number, dst: Float32Array, backward: boolean): void {
  const inPlane = inD * inH * inW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * inPlane;
    for (let od = 0; od < outD; od++) {
      const d0 = binStart(od, inD, outD), d1 = binEnd(od, inD, outD);
      for (let oh = 0; oh < outH; oh++) {
        const h0 = binStart(oh, inH, outH), h1 = binEnd(oh, inH, outH);
        for (let ow = 0; ow < outW; ow++, o++) {
          const w0 = binStart(ow, inW, outW), w1 = binEnd(ow, inW, outW);
          const count = (d1 - d0) * (h1 - h0) * (w1 - w0);
          if (backward) {
            const share = src[o]! / count;
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                const row = base + (id * inH + ih) * inW;
                for (let iw = w0; iw < w1; iw++) dst[row + iw] += share;
              }
            }
          } else {
            let sum = 0;
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                const row = base + (id * inH + ih) * inW;
                for (let iw = w0; iw < w1; iw++) sum += src[row + iw]!;
              }
            }
            dst[o] = sum / count;
          }
        }
      }
    }
  }
}
