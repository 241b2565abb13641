// A small multi-series line chart as SVG (no dependencies): one line per series, epochs on x.
export interface Series {
  name: string;
  values: readonly number[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Lines of `series` over x = 1..n, y scaled to the data's range; a legend on the right. */
export function lineChart(title: string, yLabel: string, series: readonly Series[]): string {
  const W = 800, H = 320, L = 56, R = 330, T = 30, B = 40;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all), hi = Math.max(...all);
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const n = Math.max(...series.map((s) => s.values.length), 2);
  const x = (i: number): number => L + ((W - L - R) * i) / (n - 1);
  const y = (v: number): number => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="14">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`,
    `<text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${(T + H - B) / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(`<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v.toPrecision(4)}</text>`);
    parts.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>`);
  }
  for (let i = 0; i < n; i++) parts.push(`<text x="${x(i)}" y="${H - B + 16}" text-anchor="middle">${i + 1}</text>`);
  series.forEach((s, k) => {
    const c = COLORS[k % COLORS.length]!;
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts}"/>`);
    parts.push(`<rect x="${W - R + 12}" y="${T + 18 * k}" width="12" height="3" fill="${c}"/>`);
    parts.push(`<text x="${W - R + 30}" y="${T + 18 * k + 5}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
