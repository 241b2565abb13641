import { describe, it, expect } from 'vitest';
import { epochTicks, niceTicks } from '../src/loop/ticks.js';
import { expectNiceLabels } from './charts-svgBoxes.js';

describe('niceTicks: 1-2-5 steps, distinct labels', () => {
  it('accuracy 47.5..98.2 -> 40, 60, 80, 100 (not 47.50, 60.19, ...)', () => {
    const t = niceTicks(47.5, 98.2, 6);
    expect(t.labels).toEqual(['40', '60', '80', '100']);
    expect(niceTicks(47.5, 98.2, 8).labels).toEqual(['40', '50', '60', '70', '80', '90', '100']);
    expect(t.lo).toBeLessThanOrEqual(47.5);
    expect(t.hi).toBeGreaterThanOrEqual(98.2);
  });

  it('loss 0.0918..1.695 -> 0.0, 0.5, 1.0, 1.5, 2.0', () => {
    expect(niceTicks(0.09176, 1.695, 6).labels).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0']);
  });

  it('one value (or all-equal losses): the range widens by 5 %, labels stay distinct', () => {
    const t = niceTicks(2.2834, 2.2834, 6);
    expectNiceLabels(t.labels);
    expect(t.labels).toEqual(['2.15', '2.20', '2.25', '2.30', '2.35', '2.40']);
    expect(niceTicks(0, 0, 6).labels).toEqual(['-0.5', '0.0', '0.5']);
    expectNiceLabels(niceTicks(100, 100, 6).labels);
  });

  it('small, large, negative and non-finite ranges', () => {
    for (const [lo, hi] of [[1e-6, 3e-6], [0.123, 0.1236], [12_000, 87_000], [-3.2, 0.4], [0.5, -0.5], [NaN, 1], [Infinity, -Infinity]] as const) {
      const t = niceTicks(lo, hi, 6);
      expect(t.values.length).toBeGreaterThanOrEqual(2);
      expect(t.values.length).toBeLessThanOrEqual(6);
      expectNiceLabels(t.labels);
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        expect(t.lo).toBeLessThanOrEqual(Math.min(lo, hi));
        expect(t.hi).toBeGreaterThanOrEqual(Math.max(lo, hi));
      }
    }
    expect(niceTicks(-0.04, 0.04, 5).labels).toContain('0.00');
  });
});

describe('epochTicks', () => {
  it('every epoch for short runs, then multiples of 2, 5, 10', () => {
    expect(epochTicks(1, 8).labels).toEqual(['1']);
    expect(epochTicks(5, 8).labels).toEqual(['1', '2', '3', '4', '5']);
    expect(epochTicks(15, 8).labels).toEqual(['2', '4', '6', '8', '10', '12', '14']);
    expect(epochTicks(40, 8).labels).toEqual(['5', '10', '15', '20', '25', '30', '35', '40']);
    expect(epochTicks(100, 6).labels).toEqual(['20', '40', '60', '80', '100']);
  });
});
