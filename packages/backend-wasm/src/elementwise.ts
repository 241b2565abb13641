import { hostArgs, hostArray, type BinaryOp, type CoreKernels, type StridedArray } from '@tapegrad/tensor';
import type { WasmContext } from './context.js';
import { hostCpu } from './cpu.js';
import { outputAt, placeArray, readArray } from './transfer.js';

const { binary: cpuBinary, copy: cpuCopy, where: cpuWhere, unary: cpuUnary, reluBackward: cpuReluBackward } = hostCpu;

/**
 * Elementwise kernels of the wasm backend. What makes them fast is walking long rows without
 * branches: dims are coalesced first (adjacent dims merge when every operand steps through them as
 * one; size-1 dims drop), so same-shape contiguous operands become one row and a per-channel
 * broadcast becomes rows of H*W. One long row whose operands are contiguous or a single broadcast
 * value goes through the f32x4 kernels (copied in and out: block copies, cheaper than the branchy
 * scalar work they replace); other rows run here in TypeScript, branch-free; shapes that stay above
 * rank 2 go to the CPU kernels.
 */

interface Coalesced {
  readonly shape: number[];
  readonly strides: number[][];
}

/** Merges adjacent dims that every operand walks contiguously; drops size-1 dims. */
function coalesce(shape: readonly number[], operands: readonly (readonly number[])[]): Coalesced {
  const outShape: number[] = [];
  const outStrides: number[][] = operands.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && operands.every((s, k) => outStrides[k]![last] === s[d]! * size)) {
      outShape[last]! *= size;
      for (let k = 0; k < operands.length; k++) outStrides[k]![last] = operands[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < operands.length; k++) outStrides[k]!.push(operands[k]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** (outer, inner) with the strides of each operand, or null when the shape keeps more than two dims. */
function asRows(shape: readonly number[], ops: readonly StridedArray[]): { outer: number; inner: number; so: number[]; si: number[] } | null {
  const c = coalesce(shape, ops.map((o) => o.strides));
  const r = c.shape.length;
  if (r > 2) return null;
  return {
    outer: r === 2 ? c.shape[0]! : 1,
    inner: r === 0 ? 1 : c.shape[r - 1]!,
    so: c.strides.map((s) => (r === 2 ? s[0]! : 0)),
    si: c.strides.map((s) => (r === 0 ? 0 : s[r - 1]!)),
  };
}

function binaryRow(op: BinaryOp, a: Float32Array, ia: number, sa: number, b: Float32Array, ib: number, sb: number,
  out: Float32Array, p: number, n: number): boolean {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! + b[ib + i * sb]!; return true;
    case 'sub': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! - b[ib + i * sb]!; return true;
    case 'mul': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! * b[ib + i * sb]!; return true;
    case 'div': for (let i = 0; i < n; i++) out[p + i] = a[ia + i * sa]! / b[ib + i * sb]!; return true;
    // `| 0` instead of `? 1 : 0`: no branch, so random signs (ReLU masks) cost no mispredictions.
    case 'gt': for (let i = 0; i < n; i++) out[p + i] = ((a[ia + i * sa]! > b[ib + i * sb]!) as unknown as number) | 0; return true;
    case 'ge': for (let i = 0; i < n; i++) out[p + i] = ((a[ia + i * sa]! >= b[ib + i * sb]!) as unknown as number) | 0; return true;
    case 'lt': for (let i = 0; i < n; i++) out[p + i] = ((a[ia + i * sa]! < b[ib + i * sb]!) as unknown as number) | 0; return true;
    case 'le': for (let i = 0; i < n; i++) out[p + i] = ((a[ia + i * sa]! <= b[ib + i * sb]!) as unknown as number) | 0; return true;
    default: return false;
  }
}

/** The common arithmetic and comparison ops on long rows; the rest (pow, maximum, ...) on the CPU kernel. */
const jsBinary: CoreKernels['binary'] = (op, shape, A, B, out) => {
  hostArgs([A, B, out]);
  const rows = asRows(shape, [A, B]);
  if (rows === null || !binaryRow(op, A.data, A.offset, rows.si[0]!, B.data, B.offset, rows.si[1]!, out, 0, 0)) {
    cpuBinary(op, shape, A, B, out);
    return;
  }
  const { outer, inner, so, si } = rows;
  for (let o = 0; o < outer; o++) {
    binaryRow(op, A.data, A.offset + o * so[0]!, si[0]!, B.data, B.offset + o * so[1]!, si[1]!, out, o * inner, inner);
  }
};

function bits(x: Float32Array): Int32Array {
  return new Int32Array(x.buffer, x.byteOffset, x.length);
}

/**
 * out = cond != 0 ? a : b on long rows, as a select of the raw bits (mask -1 or 0): no branch, so
 * a random mask costs no mispredictions, and every value (NaN payloads, -0, infinities) is kept exactly.
 */
const jsWhere: CoreKernels['where'] = (shape, C, A, B, out) => {
  hostArgs([C, A, B, out]);
  const rows = asRows(shape, [C, A, B]);
  if (rows === null) {
    cpuWhere(shape, C, A, B, out);
    return;
  }
  const { outer, inner, so, si } = rows;
  const c = C.data, a = bits(A.data), b = bits(B.data), o32 = bits(out);
  const sc = si[0]!, sa = si[1]!, sb = si[2]!;
  for (let o = 0; o < outer; o++) {
    const ic = C.offset + o * so[0]!, ia = A.offset + o * so[1]!, ib = B.offset + o * so[2]!, p = o * inner;
    for (let i = 0; i < inner; i++) {
      const m = -(((c[ic + i * sc]! !== 0) as unknown as number) | 0);
      o32[p + i] = (a[ia + i * sa]! & m) | (b[ib + i * sb]! & ~m);
    }
  }
};

/** ReLU without branches (bit mask: keep x when x > 0 or NaN); other ops on the CPU kernel. */
const jsUnary: CoreKernels['unary'] = (op, x, xo, n, out, a, b) => {
  if (op !== 'relu') {
    cpuUnary(op, x, xo, n, out, a, b);
    return;
  }
  hostArray(x);
  hostArray(out);
  const xi = bits(x), oi = bits(out);
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    const m = -(((v > 0) as unknown as number) | ((v !== v) as unknown as number));
    oi[i] = xi[xo + i]! & m;
  }
};

/**
 * Strided copy on coalesced rows: a contiguous row is one block copy, a broadcast row one fill.
 * When `out` is kept in WebAssembly memory (src/resident.ts), or `x` is and `out` can be, the copy
 * runs there (a concatenation's parts meet in place), split over the threads when both are there
 * in blocks of their own and large enough (copyRows); otherwise on the host arrays.
 */
function makeCopy(ctx: WasmContext): CoreKernels['copy'] {
  const mem = ctx.mem;
  return (shape, X, O) => {
    const rows = asRows(shape, [X, O]);
    if (rows === null) {
      cpuCopy(shape, X, O);
      return;
    }
    let x = X.data, xBase = 0, out = O.data, oBase = 0;
    const xAt = mem.addressOf(X.data);
    const oAt = mem.kept === null || xAt < 0 ? mem.addressOf(O.data) : mem.kept.output(O.data);
    if (oAt >= 0) {
      out = mem.f32;
      oBase = oAt >> 2;
      if (xAt >= 0) {
        x = out;
        xBase = xAt >> 2;
      } else hostArray(x);
    } else hostArgs([X, O]);
    const { outer, inner, so, si } = rows;
    const sx = si[0]!, sout = si[1]!;
    if (x === out && xAt >= 0 && X.data.buffer !== O.data.buffer && sx === 1 && sout === 1 && !ctx.declines('copyRows', outer * inner)) {
      ctx.run('copyRows', [xAt + 4 * X.offset, so[0]!, oAt + 4 * O.offset, so[1]!, inner, outer], ctx.parts('copyRows', outer * inner));
      return;
    }
    for (let o = 0; o < outer; o++) {
      const ix = xBase + X.offset + o * so[0]!, io = oBase + O.offset + o * so[1]!;
      if (sx === 1 && sout === 1) {
        if (x === out) out.copyWithin(io, ix, ix + inner);
        else out.set(x.subarray(ix, ix + inner), io);
      } else if (sx === 0 && sout === 1) out.fill(x[ix]!, io, io + inner);
      else for (let i = 0; i < inner; i++) out[io + i * sout] = x[ix + i * sx]!;
    }
  };
}

const WASM_BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, gt: 4, ge: 5, lt: 6, le: 7 };

/** The elementwise kernels bound to a wasm context. */
export function makeElementwise(ctx: WasmContext): Pick<CoreKernels, 'binary' | 'where' | 'unary' | 'reluBackward' | 'copy'> {
  const mem = ctx.mem;
  /** One row of n elements with unit or zero strides, or null. */
  const row = (kernel: 'binaryRow' | 'whereRow', shape: readonly number[], ops: readonly StridedArray[]): { n: number; s: number[] } | null => {
    let n = 1;
    for (const d of shape) n *= d;
    if (n === 0 || ctx.declines(kernel, n)) return null;
    const r = asRows(shape, ops);
    if (r === null || r.outer !== 1 || r.si.some((s) => s !== 0 && s !== 1)) return null;
    return { n, s: r.si };
  };
  const place = (op: StridedArray, stride: number, n: number): number =>
    placeArray(mem, op.data.subarray(op.offset, op.offset + (stride === 0 ? 1 : n)));
  const readOut = (p: number, n: number, out: Float32Array): void => readArray(mem, p, n, out);
  return {
    binary(op, shape, A, B, out) {
      const code = WASM_BINARY[op];
      const r = code === undefined ? null : row('binaryRow', shape, [A, B]);
      if (r === null) {
        jsBinary(op, shape, A, B, out);
        return;
      }
      mem.reset();
      const pa = place(A, r.s[0]!, r.n), pb = place(B, r.s[1]!, r.n), po = outputAt(mem, out, r.n);
      ctx.run('binaryRow', [code!, pa, r.s[0]!, pb, r.s[1]!, po, r.n], ctx.parts('binaryRow', r.n));
      readOut(po, r.n, out);
    },
    where(shape, C, A, B, out) {
      const r = row('whereRow', shape, [C, A, B]);
      if (r === null) {
        jsWhere(shape, C, A, B, out);
        return;
      }
      mem.reset();
      const pc = place(C, r.s[0]!, r.n), pa = place(A, r.s[1]!, r.n), pb = place(B, r.s[2]!, r.n), po = outputAt(mem, out, r.n);
      ctx.run('whereRow', [pc, r.s[0]!, pa, r.s[1]!, pb, r.s[2]!, po, r.n], ctx.parts('whereRow', r.n));
      readOut(po, r.n, out);
    },
    unary(op, x, xo, n, out, a, b) {
      if (op !== 'relu' || n === 0 || ctx.declines('reluRow', n)) {
        jsUnary(op, x, xo, n, out, a, b);
        return;
      }
      mem.reset();
      const px = placeArray(mem, x.subarray(xo, xo + n)), po = outputAt(mem, out, n);
      ctx.run('reluRow', [px, po, n], ctx.parts('reluRow', n));
      readOut(po, n, out);
    },
    reluBackward(out, oo, g, go, n, gx) {
      if (n === 0 || ctx.declines('reluBackwardRow', n)) {
        cpuReluBackward(out, oo, g, go, n, gx);
        return;
      }
      mem.reset();
      const po = placeArray(mem, out.subarray(oo, oo + n)), pg = placeArray(mem, g.subarray(go, go + n)), px = outputAt(mem, gx, n);
      ctx.run('reluBackwardRow', [po, pg, px, n], ctx.parts('reluBackwardRow', n));
      readOut(px, n, gx);
    },
    copy: makeCopy(ctx),
  };
}
