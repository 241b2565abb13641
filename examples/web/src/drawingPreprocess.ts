// A drawing -> a 28 x 28 MNIST-style digit, as MNIST's digits were made: crop to the ink's bounding
// box, scale (area averaging, aspect kept) so that the longer side is 20 px, and place it in a 28 x 28
// field so that its centre of mass sits at (14, 14) (pixel-index coordinates: the embedded MNIST
// digits' mean centre of mass is (14.00, 13.99), and every one of them has a longer side of 20 or
// 19 px). Pure functions on grey images; no DOM.

/** A row-major grey image, values in [0, 1] (1 = ink). */
export interface GreyImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** An integer pixel box: columns x .. x + width - 1, rows y .. y + height - 1. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The digit, and how a point of the drawing maps into it: `inputX = (x - box.x) * scaleX + shiftX`. */
export interface Preprocessed {
  image: GreyImage;
  /** The ink's bounding box in the drawing. */
  box: Box;
  scaleX: number;
  scaleY: number;
  shiftX: number;
  shiftY: number;
  /** True when centring by mass would have pushed ink out of the field, so the shift was limited. */
  clamped: boolean;
}

export const FIELD = 28;
export const BOX_SIDE = 20;

export function greyImage(width: number, height: number, data = new Float32Array(width * height)): GreyImage {
  if (data.length !== width * height) throw new Error(`greyImage: ${data.length} values for ${width} x ${height}`);
  return { width, height, data };
}

/** The smallest box holding every pixel above `threshold`, or null for a blank image. */
export function boundingBox(img: GreyImage, threshold = 0): Box | null {
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function crop(img: GreyImage, b: Box): GreyImage {
  const out = greyImage(b.width, b.height);
  for (let y = 0; y < b.height; y++) out.data.set(img.data.subarray((b.y + y) * img.width + b.x, (b.y + y) * img.width + b.x + b.width), y * b.width);
  return out;
}

/** Width and height of a `width x height` box scaled so that its longer side is `side`, aspect kept (at least 1 px). */
export function fitLongerSide(width: number, height: number, side = BOX_SIDE): { width: number; height: number } {
  const s = side / Math.max(width, height);
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Weights of source cells [0, n) covering each of `m` output cells (cell j spans [j n/m, (j+1) n/m)), normalised. */
function coverage(n: number, m: number): { start: number; weights: number[] }[] {
  const step = n / m;
  return Array.from({ length: m }, (_, j) => {
    const a = j * step, b = (j + 1) * step;
    const start = Math.floor(a), weights: number[] = [];
    for (let i = start; i < Math.min(n, Math.ceil(b)); i++) weights.push((Math.min(b, i + 1) - Math.max(a, i)) / step);
    return { start, weights };
  });
}

/** Resampled to `width x height` by area averaging (each output pixel the mean of the input area it covers). */
export function resizeArea(img: GreyImage, width: number, height: number): GreyImage {
  const cols = coverage(img.width, width), rows = coverage(img.height, height);
  const mid = new Float32Array(img.height * width);
  for (let y = 0; y < img.height; y++) {
    cols.forEach(({ start, weights }, j) => {
      let s = 0;
      weights.forEach((w, k) => { s += w * img.data[y * img.width + start + k]!; });
      mid[y * width + j] = s;
    });
  }
  const out = greyImage(width, height);
  rows.forEach(({ start, weights }, i) => {
    for (let x = 0; x < width; x++) {
      let s = 0;
      weights.forEach((w, k) => { s += w * mid[(start + k) * width + x]!; });
      out.data[i * width + x] = s;
    }
  });
  return out;
}

/** Mass-weighted mean pixel index (x: column, y: row), or null for a blank image. */
export function centreOfMass(img: GreyImage): { x: number; y: number } | null {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x]!;
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/** Integer offset putting `com` nearest `target`, limited so that `[offset, offset + length)` stays in `[0, field)`. */
function placement(com: number, length: number, field: number, target: number): { offset: number; clamped: boolean } {
  const want = Math.round(target - com);
  const offset = Math.min(Math.max(want, 0), field - length);
  return { offset, clamped: offset !== want };
}

/**
 * `img` pasted into a `field x field` image at the integer offset that puts its centre of mass nearest
 * (target, target), within half a pixel on each axis, unless that would cut ink off (then the offset is
 * limited and `clamped` is true).
 */
export function placeByCentreOfMass(img: GreyImage, field = FIELD, target = field / 2): { image: GreyImage; dx: number; dy: number; clamped: boolean } {
  if (img.width > field || img.height > field) throw new Error(`placeByCentreOfMass: ${img.width} x ${img.height} does not fit in ${field} x ${field}`);
  const com = centreOfMass(img) ?? { x: (img.width - 1) / 2, y: (img.height - 1) / 2 };
  const px = placement(com.x, img.width, field, target), py = placement(com.y, img.height, field, target);
  const out = greyImage(field, field);
  for (let y = 0; y < img.height; y++) out.data.set(img.data.subarray(y * img.width, (y + 1) * img.width), (y + py.offset) * field + px.offset);
  return { image: out, dx: px.offset, dy: py.offset, clamped: px.clamped || py.clamped };
}

/** The whole pipeline; null for a blank drawing. */
export function preprocessDrawing(drawing: GreyImage, threshold = 0): Preprocessed | null {
  const box = boundingBox(drawing, threshold);
  if (box === null) return null;
  const size = fitLongerSide(box.width, box.height);
  const small = resizeArea(crop(drawing, box), size.width, size.height);
  const placed = placeByCentreOfMass(small);
  return {
    image: placed.image, box, clamped: placed.clamped,
    scaleX: size.width / box.width, scaleY: size.height / box.height, shiftX: placed.dx, shiftY: placed.dy,
  };
}

/** A point of the 28 x 28 input (continuous pixel coordinates) mapped back into the drawing. */
export function inputToDrawing(p: Preprocessed, x: number, y: number): { x: number; y: number } {
  return { x: (x - p.shiftX) / p.scaleX + p.box.x, y: (y - p.shiftY) / p.scaleY + p.box.y };
}
