// The class-activation-map figure of cam.ts: one block per group (correct, wrong predictions), a
// row per example with its true and predicted labels (class names, e.g. Fashion-MNIST's), three
// columns under headers (the input, the map of the predicted class, the map of the true class), and
// a colour scale with its end values. A wrong prediction's label is red.
import { Canvas, blendHeat, type Rgb } from './png.js';
import { CELL_H, textWidthPx } from './font5x7.js';

/** One example: the 28 x 28 image in [0, 1], its class indices, and two class maps scaled to [0, 1] (min to max). */
export interface CamPick {
  image: Float32Array;
  label: number;
  pred: number;
  predMap: Float32Array;
  trueMap: Float32Array;
}

export interface CamGroup {
  title: string;
  picks: readonly CamPick[];
}

const SIZE = 28, TILE = 4 * SIZE, GAP = 4, PAD = 12, S = 2, LINE = CELL_H * S, ALPHA = 0.5;
const HEADERS: readonly (readonly string[])[] = [['input'], ['predicted', 'class map'], ['true', 'class map']];
const BAR_W = 20;
const BAR_LABELS = ['1 max', '0 min'] as const;
const TOP = PAD + LINE + 8 + 2 * LINE + 6;
const BLACK: Rgb = [0, 0, 0], RED: Rgb = [200, 0, 0], GRAY: Rgb = [128, 128, 128];

/** Text centred horizontally on `cx`. */
function centred(c: Canvas, cx: number, y: number, s: string, rgb: Rgb = BLACK): void {
  c.text(Math.round(cx - textWidthPx(s, S) / 2), y, s, S, rgb);
}

/** Where a group's parts go: the label column's width (room for the longest label), then the tiles. */
interface Layout { labelW: number; blockW: number; name: (c: number) => string }

function layout(groups: readonly CamGroup[], classNames: readonly string[] | undefined): Layout {
  const name = (c: number): string => classNames?.[c] ?? String(c);
  const labels = groups.flatMap((g) => g.picks.flatMap((p) => [`true ${name(p.label)}`, `pred ${name(p.pred)}`]));
  const labelW = Math.max(textWidthPx('pred 0', S), ...labels.map((l) => textWidthPx(l, S))) + 10;
  return { labelW, blockW: labelW + 3 * (TILE + GAP), name };
}

function drawGroup(c: Canvas, x0: number, group: CamGroup, { labelW, name }: Layout): void {
  c.text(x0 + labelW, PAD, group.title, S);
  HEADERS.forEach((lines, col) => lines.forEach((s, i) => centred(c, x0 + labelW + col * (TILE + GAP) + TILE / 2, PAD + LINE + 8 + i * LINE, s)));
  group.picks.forEach((p, row) => {
    const y = TOP + row * (TILE + GAP);
    c.text(x0, y + TILE / 2 - LINE, `true ${name(p.label)}`, S);
    c.text(x0, y + TILE / 2 + 2, `pred ${name(p.pred)}`, S, p.pred === p.label ? BLACK : RED);
    const x = x0 + labelW;
    c.image(x, y, TILE, p.image, SIZE);
    c.image(x + TILE + GAP, y, TILE, p.image, SIZE, p.predMap, ALPHA);
    c.image(x + 2 * (TILE + GAP), y, TILE, p.image, SIZE, p.trueMap, ALPHA);
  });
}

/** A vertical bar of the map colours as a tile shows them on the black background, 1 (max) at the top. */
function drawScale(c: Canvas, x0: number, height: number): void {
  centred(c, x0 + BAR_W / 2 + 20, PAD + LINE + 8, 'map', BLACK);
  centred(c, x0 + BAR_W / 2 + 20, PAD + 2 * LINE + 8, 'scale', BLACK);
  c.fillRect(x0 - 1, TOP - 1, BAR_W + 2, height + 2, GRAY);
  for (let y = 0; y < height; y++) c.fillRect(x0, TOP + y, BAR_W, 1, blendHeat(0, 1 - y / (height - 1), ALPHA));
  c.text(x0 + BAR_W + 6, TOP, BAR_LABELS[0], S);
  c.text(x0 + BAR_W + 6, TOP + height - 7 * S, BAR_LABELS[1], S);
}

/**
 * The figure as PNG bytes; groups side by side, as many rows as the largest group (at least one).
 * Labels show `classNames[c]` (default: the class index).
 */
export function camImage(groups: readonly CamGroup[], classNames?: readonly string[]): Buffer {
  const lay = layout(groups, classNames);
  const rows = Math.max(1, ...groups.map((g) => g.picks.length));
  const barX = PAD + groups.length * (lay.blockW + 20);
  const width = barX + BAR_W + 6 + Math.max(...BAR_LABELS.map((s) => textWidthPx(s, S))) + PAD;
  const height = TOP + rows * (TILE + GAP) - GAP + PAD;
  const c = new Canvas(width, height);
  groups.forEach((g, i) => drawGroup(c, PAD + i * (lay.blockW + 20), g, lay));
  drawScale(c, barX, rows * (TILE + GAP) - GAP);
  return c.toBuffer();
}
