// A small multi-series line chart as SVG (no dependencies): one line per series, epochs on x, a
// marker on every point, 1-2-5 ticks and the legend below the plot (train's curves.svg layout).
import { linePanel, svgDocument } from 'tapegrad';

export interface Series {
  name: string;
  values: readonly number[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Lines of `series` over epochs 1..n (value i is epoch i + 1); non-finite values are left out. */
export function lineChart(title: string, yLabel: string, series: readonly Series[]): string {
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const panel = linePanel({
    x0: 0, width: 760, plotHeight: 260, title, xLabel: 'epoch', yLabel, epochs,
    series: series.map((s, k) => ({ name: s.name, color: COLORS[k % COLORS.length]!, points: s.values.map((v, i) => [i + 1, v] as const) })),
  });
  return svgDocument(760, panel.height, [panel.svg]);
}
