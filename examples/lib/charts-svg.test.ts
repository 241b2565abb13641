// The GAP-vs-FC charts (lineChart): a marker on every point, distinct 1-2-5 ticks, the legend of
// four long head names below the plot, nothing overlapping, for one and five epochs.
import { describe, it, expect } from 'vitest';
import { lineChart } from './svg.js';
import { expectNiceLabels, expectReadableChart, panelTicks } from '../../packages/train/test/charts-svgBoxes.js';
import { HEAD_TITLES, HEADS } from './heads.js';

const heads = (values: (k: number) => number[]): { name: string; values: number[] }[] =>
  HEADS.map((h, k) => ({ name: HEAD_TITLES[h], values: values(k) }));

describe('lineChart (gap-vs-fc accuracy.svg and loss.svg)', () => {
  it('one epoch: four points with markers, distinct ticks, no overlaps', () => {
    const svg = lineChart('test accuracy per epoch', 'test accuracy (%)', heads((k) => [12.5 + (k % 2) * 3.125]));
    expectReadableChart(svg, 4);
    expectNiceLabels(panelTicks(svg, 'y')[0]!);
    expect(panelTicks(svg, 'x')).toEqual([['1']]);
  });

  it('five epochs: twenty markers, 1-2-5 loss ticks, the y-axis title clear of the tick labels', () => {
    const svg = lineChart('training loss per epoch', 'loss', heads((k) => [1.695 - 0.2 * k, 0.33, 0.15, 0.11, 0.0918 + 0.002 * k]));
    expectReadableChart(svg, 20);
    expect(panelTicks(svg, 'y')[0]).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0']);
    expect(panelTicks(svg, 'x')).toEqual([['1', '2', '3', '4', '5']]);
  });

  it('missing values (NaN) are left out, not drawn at NaN', () => {
    const svg = lineChart('test accuracy per epoch', 'test accuracy (%)', heads(() => [90, NaN, 97.5]));
    expectReadableChart(svg, 8);
    expect(svg).not.toContain('NaN');
  });
});
