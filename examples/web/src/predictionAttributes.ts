// The data attributes the page puts on its prediction for browser tests: the class, the
// probabilities, and where the class activation map points, in the 28 x 28 input and on the pad
// (CSS pixels from the pad's top-left corner). Pure.
import { brightestCell, cellRect, mapCentroid } from './camMath.js';
import { inputToDrawing, type Box, type Preprocessed } from './drawingPreprocess.js';
import type { Prediction } from './protocol.js';

const round1 = (v: number): number => Math.round(v * 10) / 10;
const round4 = (v: number): number => Number(v.toFixed(4));

export function roundBox(b: Box): Box {
  return { x: round1(b.x), y: round1(b.y), width: round1(b.width), height: round1(b.height) };
}

/** A box of the 28 x 28 input as a box of the pad, `cssScale` CSS pixels per pad pixel. */
export function inputBoxOnPad(prep: Preprocessed, b: Box, cssScale: number): Box {
  const a = inputToDrawing(prep, b.x, b.y), c = inputToDrawing(prep, b.x + b.width, b.y + b.height);
  return roundBox({ x: a.x * cssScale, y: a.y * cssScale, width: (c.x - a.x) * cssScale, height: (c.y - a.y) * cssScale });
}

/** `dataset` entries of the prediction element (camelCase keys: `camArgmax` is `data-cam-argmax`). */
export function predictionAttributes(prep: Preprocessed, p: Prediction, strokes: number, cssScale: number): Record<string, string> {
  const cell = brightestCell(p.map, p.size);
  const rect = cellRect(cell, p.size, p.upSize);
  const c = mapCentroid(p.map, p.size, p.upSize);
  const onPad = c === null ? null : inputToDrawing(prep, c.x, c.y);
  return {
    class: String(p.predicted),
    strokes: String(strokes),
    confidence: p.probs[p.predicted]!.toFixed(4),
    probs: JSON.stringify(Array.from(p.probs, round4)),
    camMap: JSON.stringify(Array.from(p.map, round4)),
    camArgmax: JSON.stringify({ row: cell.row, col: cell.col, grid: p.size, input: roundBox(rect), pad: inputBoxOnPad(prep, rect, cssScale) }),
    camCentroid: c === null || onPad === null ? ''
      : JSON.stringify({ input: { x: round1(c.x), y: round1(c.y) }, pad: { x: round1(onPad.x * cssScale), y: round1(onPad.y * cssScale) } }),
  };
}
