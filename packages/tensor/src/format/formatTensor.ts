import type { Tensor } from '../Tensor.js';
import { formatShape } from '../validate.js';
import { pyExp, pyFixed } from './pyFloat.js';

/** PyTorch's default print options (torch.set_printoptions). */
const PRINT = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 } as const;

/**
 * How every element is written, decided once from the shown elements as PyTorch's _Formatter:
 * integers as `3.`, else 4 decimals, or scientific notation when the nonzero finite magnitudes
 * span more than 1000x, exceed 1e8 or (non-integers) fall below 1e-4; all padded to one width.
 */
class Formatter {
  private intMode = true;
  private sciMode = false;
  readonly width: number = 1;

  constructor(values: readonly number[]) {
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let lo = Infinity, hi = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < lo) lo = a;
      if (a > hi) hi = a;
      if (v !== Math.ceil(v)) this.intMode = false;
    }
    this.sciMode = hi / lo > 1000 || hi > 1e8 || (!this.intMode && lo < 1e-4);
    const len = (v: number): number => (this.sciMode ? pyExp(v, PRINT.precision).length
      : this.intMode ? pyFixed(v, 0).length + 1 : pyFixed(v, PRINT.precision).length);
    let width = 1;
    for (const v of finite) width = Math.max(width, len(v));
    this.width = width;
  }

  format(v: number): string {
    let s: string;
    if (this.sciMode) s = pyExp(v, PRINT.precision);
    else if (this.intMode) s = pyFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pyFixed(v, PRINT.precision);
    return s.padStart(this.width, ' ');
  }
}

const edge = PRINT.edgeitems;

/** Row-major positions of the sub-blocks along the first dim that printing shows (all, or the edges). */
function shownRows(size: number, summarize: boolean): number[] | null {
  if (!summarize || size <= 2 * edge) return null;
  return [...Array.from({ length: edge }, (_, i) => i), ...Array.from({ length: edge }, (_, i) => size - edge + i)];
}

/** The values printing shows, in order (the formatter sees only these, as PyTorch's get_summarized_data). */
function shownValues(v: Float32Array, shape: readonly number[], at: number, depth: number, summarize: boolean, out: number[]): void {
  if (depth === shape.length) {
    out.push(v[at]!);
    return;
  }
  const size = shape[depth]!;
  let block = 1;
  for (let d = depth + 1; d < shape.length; d++) block *= shape[d]!;
  const rows = shownRows(size, summarize) ?? Array.from({ length: size }, (_, i) => i);
  for (const r of rows) shownValues(v, shape, at + r * block, depth + 1, summarize, out);
}

interface Layout { v: Float32Array; shape: readonly number[]; summarize: boolean; f: Formatter }

function vectorStr(L: Layout, at: number, indent: number): string {
  const size = L.shape[L.shape.length - 1]!;
  const perLine = Math.max(1, Math.floor((PRINT.linewidth - indent) / (L.f.width + 2)));
  const rows = shownRows(size, L.summarize);
  const items = rows === null
    ? Array.from({ length: size }, (_, i) => L.f.format(L.v[at + i]!))
    : [...rows.slice(0, edge).map((i) => L.f.format(L.v[at + i]!)), ' ...', ...rows.slice(edge).map((i) => L.f.format(L.v[at + i]!))];
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
  return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
}

function blockStr(L: Layout, at: number, depth: number, indent: number): string {
  const rank = L.shape.length - depth;
  if (rank === 0) return L.f.format(L.v[at]!);
  if (rank === 1) return vectorStr(L, at, indent);
  const size = L.shape[depth]!;
  let block = 1;
  for (let d = depth + 1; d < L.shape.length; d++) block *= L.shape[d]!;
  const rows = shownRows(size, L.summarize);
  const sub = (r: number): string => blockStr(L, at + r * block, depth + 1, indent + 1);
  const parts = rows === null
    ? Array.from({ length: size }, (_, r) => sub(r))
    : [...rows.slice(0, edge).map(sub), '...', ...rows.slice(edge).map(sub)];
  return `[${parts.join(`,${'\n'.repeat(rank - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** Appends `, suffix` to the last line, or on a new line when it would pass the line width (PyTorch's _add_suffixes). */
function addSuffixes(body: string, suffixes: readonly string[], indent: number): string {
  let out = body;
  let lastLine = body.length - body.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > PRINT.linewidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}

/**
 * PyTorch's repr of a tensor with its shape added: `tensor([[0.1000, 0.2000], [...]], shape [2, 2])`,
 * laid out and summarised as torch prints (precision 4, threshold 1000 elements, 3 edge items,
 * 80 columns). `suffixes` follow the shape (a Variable adds its grad_fn).
 *
 * NOTE: PyTorch prints the size only of empty tensors (`size=(0, 3)`); tapegrad always prints the shape.
 */
export function formatTensor(t: Tensor, suffixes: readonly string[] = []): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const v = t.values();
  let body: string;
  if (t.size === 0) body = '[]';
  else {
    const summarize = t.size > PRINT.threshold;
    const shown: number[] = [];
    shownValues(v, t.shape, 0, 0, summarize, shown);
    body = blockStr({ v, shape: t.shape, summarize, f: new Formatter(shown) }, 0, 0, indent);
  }
  return addSuffixes(prefix + body, [`shape ${formatShape(t.shape)}`, ...suffixes], indent);
}
