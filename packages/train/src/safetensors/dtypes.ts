// The element types of safetensors files and their conversion to float32 (tapegrad's only dtype).

export type Dtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<Dtype, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export function isDtype(s: unknown): s is Dtype {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_SIZE, s);
}

/** IEEE half precision to a number (subnormals, infinities and NaN included). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Converts `n` little-endian elements of `dtype` at `bytes[offset...]` into `out` (float32). Integers
 * beyond 2^24 lose precision, as any float32 does.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function toFloat32(dtype: Dtype, bytes: Uint8Array, offset: number, n: number, out: Float32Array): void {
  // float32 on a little-endian platform: the bytes are already the values.
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 4 * n).set(bytes.subarray(offset, offset + 4 * n));
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * DTYPE_SIZE[dtype]);
  switch (dtype) {
    case 'F32': for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true); return;
    case 'F64': for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true); return;
    case 'F16': for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(2 * i, true)); return;
    // bfloat16 is the top half of a float32.
    case 'BF16': {
      const u = new Uint32Array(1), f = new Float32Array(u.buffer);
      for (let i = 0; i < n; i++) { u[0] = view.getUint16(2 * i, true) << 16; out[i] = f[0]!; }
      return;
    }
    case 'I64': for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(8 * i, true)); return;
    case 'I32': for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true); return;
    case 'I16': for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true); return;
    case 'I8': for (let i = 0; i < n; i++) out[i] = view.getInt8(i); return;
    case 'U8': case 'BOOL': for (let i = 0; i < n; i++) out[i] = view.getUint8(i); return;
  }
}
