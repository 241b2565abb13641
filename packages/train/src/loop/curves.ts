/** One epoch's numbers as `fit` records them. */
export interface EpochResult {
  /** 1-based epoch number. */
  epoch: number;
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /** Training accuracy over the epoch (dropout active, as the model trained). */
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  /** Learning rate of group 0 at the end of the epoch. */
  lr: number;
  /** Wall time of the training part of the epoch. */
  seconds: number;
  imagesPerSecond: number;
}

const W = 360, H = 240, M = { l: 52, r: 12, t: 28, b: 36 };

function fmt(v: number): string {
  return Math.abs(v) >= 100 || v === 0 ? v.toFixed(0) : v.toPrecision(3);
}

function panel(x0: number, title: string, series: { name: string; color: string; points: [number, number][] }[], epochs: number, legendAtBottom: boolean): string {
  const all = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  const sx = (e: number): number => x0 + M.l + (epochs <= 1 ? pw / 2 : ((e - 1) / (epochs - 1)) * pw);
  const sy = (v: number): number => M.t + ph - ((v - lo) / (hi - lo)) * ph;
  const out: string[] = [];
  out.push(`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`);
  out.push(`<rect x="${x0 + M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4, y = sy(v);
    out.push(`<line x1="${x0 + M.l - 4}" y1="${y.toFixed(1)}" x2="${x0 + M.l}" y2="${y.toFixed(1)}" stroke="#888"/>`);
    out.push(`<text x="${x0 + M.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  const step = Math.max(1, Math.ceil(epochs / 8));
  for (let e = 1; e <= epochs; e += step) {
    out.push(`<text x="${sx(e).toFixed(1)}" y="${H - M.b + 16}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<text x="${x0 + M.l + pw / 2}" y="${H - 4}" text-anchor="middle">epoch</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (pts.length === 0) return;
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([e, v]) => `${sx(e).toFixed(1)},${sy(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [e, v] of pts) out.push(`<circle cx="${sx(e).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    // the legend sits where the curves are not: top right for losses (falling), bottom right for accuracies (rising)
    const ly = legendAtBottom ? H - M.b - 8 - 14 * (series.length - 1 - i) : M.t + 14 + 14 * i;
    out.push(`<text x="${x0 + W - M.r - 4}" y="${ly}" text-anchor="end" fill="${s.color}">${s.name}</text>`);
  });
  return out.join('\n');
}

/** Loss and accuracy (train and, when present, validation) per epoch as a two-panel SVG. */
export function curvesSvg(history: readonly EpochResult[], totalEpochs = history.length): string {
  const epochs = Math.max(totalEpochs, history.length, 1);
  const pick = (f: (r: EpochResult) => number | undefined): [number, number][] =>
    history.filter((r) => f(r) !== undefined).map((r) => [r.epoch, f(r)!]);
  const loss = [{ name: 'train', color: '#1f77b4', points: pick((r) => r.loss) }, { name: 'validation', color: '#d62728', points: pick((r) => r.valLoss) }];
  const acc = [{ name: 'train', color: '#1f77b4', points: pick((r) => 100 * r.accuracy) }, { name: 'validation', color: '#d62728', points: pick((r) => (r.valAccuracy === undefined ? undefined : 100 * r.valAccuracy)) }];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${2 * W}" height="${H}" fill="white"/>`,
    panel(0, 'loss', loss, epochs, false),
    panel(W, 'accuracy (%)', acc, epochs, true),
    '</svg>',
    '',
  ].join('\n');
}
