// Elementwise kernels over one long row (the host coalesces dims first): each operand is either
// contiguous (stride 1) or one broadcast value (stride 0). Split over threads by ranges of 4-lane
// blocks. Compares give 1 or 0; `where` selects bits, so every value (NaN payloads, -0) is kept.

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, GT = 4, GE = 5, LT = 6, LE = 7;

// @ts-ignore: decorator
@inline function operand(p: usize, stride: i32, i: i32): v128 {
  return stride == 0 ? v128.load32_splat(p) : v128.load(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function range(n: i32, part: i32, parts: i32): i32 {
  return ((n >> 2) * part / parts) << 2;
}

// @ts-ignore: decorator
@inline function binaryLanes(op: i32, x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case GT: return v128.and(f32x4.gt(x, y), one);
    case GE: return v128.and(f32x4.ge(x, y), one);
    case LT: return v128.and(f32x4.lt(x, y), one);
    default: return v128.and(f32x4.le(x, y), one);
  }
}

/** out[i] = a[i*sa] op b[i*sb] for i < n (sa, sb in {0, 1}). */
export function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = range(n, part, parts);
  const i1 = part == parts - 1 ? n : range(n, part + 1, parts);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    v128.store(out + (<usize>i << 2), binaryLanes(op, operand(a, sa, i), operand(b, sb, i)));
  }
  for (; i < i1; i++) {
    const v = binaryLanes(op, v128.load32_splat(a + (<usize>(i * sa) << 2)), v128.load32_splat(b + (<usize>(i * sb) << 2)));
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(v, 0));
  }
}

/** out[i] = c[i*sc] != 0 ? a[i*sa] : b[i*sb] (strides in {0, 1}), as a bit select. */
export function whereRow(c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = range(n, part, parts);
  const i1 = part == parts - 1 ? n : range(n, part + 1, parts);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const m = f32x4.ne(operand(c, sc, i), zero);
    v128.store(out + (<usize>i << 2), v128.bitselect(operand(a, sa, i), operand(b, sb, i), m));
  }
  for (; i < i1; i++) {
    const m = f32x4.ne(v128.load32_splat(c + (<usize>(i * sc) << 2)), zero);
    const v = v128.bitselect(v128.load32_splat(a + (<usize>(i * sa) << 2)), v128.load32_splat(b + (<usize>(i * sb) << 2)), m);
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(v, 0));
  }
}

/** out[i] = relu(x[i]), NaN kept (x > 0 or x != x keeps x's bits, else +0). */
export function reluRow(x: usize, out: usize, n: i32, part: i32, parts: i32): void {
  const i0 = range(n, part, parts);
  const i1 = part == parts - 1 ? n : range(n, part + 1, parts);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    v128.store(out + (<usize>i << 2), v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v))));
  }
  for (; i < i1; i++) {
    const v = v128.load32_splat(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), f32x4.extract_lane(v128.and(v, v128.or(f32x4.gt(v, zero), f32x4.ne(v, v))), 0));
  }
}

/** gx[i] = out[i] <= 0 ? 0 : g[i] (ReLU's backward from its output; NaN passes), as a bit mask. */
export function reluBackwardRow(out: usize, g: usize, gx: usize, n: i32, part: i32, parts: i32): void {
  const i0 = range(n, part, parts);
  const i1 = part == parts - 1 ? n : range(n, part + 1, parts);
  const zero = f32x4.splat(0);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(gx + o, v128.andnot(v128.load(g + o), f32x4.le(v128.load(out + o), zero)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    store<f32>(gx + o, load<f32>(out + o) <= 0 ? 0 : load<f32>(g + o));
  }
}

/**
 * Row r of dst = row r of src for r < rows: rows of n floats, `srcStride` and `dstStride` floats
 * apart (src and dst do not overlap). Split over threads by rows, or within the rows when there
 * are fewer rows than parts.
 */
export function copyRows(src: usize, srcStride: i32, dst: usize, dstStride: i32, n: i32, rows: i32, part: i32, parts: i32): void {
  if (rows >= parts) {
    const r0 = rows * part / parts, r1 = rows * (part + 1) / parts;
    for (let r = r0; r < r1; r++) {
      memory.copy(dst + (<usize>r * <usize>dstStride << 2), src + (<usize>r * <usize>srcStride << 2), <usize>n << 2);
    }
    return;
  }
  const i0 = <i32>(<i64>n * part / parts), i1 = <i32>(<i64>n * (part + 1) / parts);
  for (let r = 0; r < rows; r++) {
    memory.copy(dst + ((<usize>r * <usize>dstStride + <usize>i0) << 2), src + ((<usize>r * <usize>srcStride + <usize>i0) << 2), <usize>(i1 - i0) << 2);
  }
}
