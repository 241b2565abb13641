import { linePanel, svgDocument } from './chart.js';

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
  /**
   * Resident memory of the process (MiB) after the epoch's training, and its peak so far: recorded
   * on Node (absent in browsers), so a long run's metrics.jsonl shows whether memory stays flat.
   */
  rssMiB?: number;
  peakRssMiB?: number;
}

const PANEL_W = 360, PLOT_H = 170;
const TRAIN = '#1f77b4', VAL = '#d62728';

/**
 * Loss and accuracy (train and, when present, validation) per epoch as a two-panel SVG: a marker
 * on every epoch (one epoch is a visible point), 1-2-5 ticks, each legend below its plot. The x
 * axis spans `totalEpochs`, so a run in progress shows how far it has got.
 */
export function curvesSvg(history: readonly EpochResult[], totalEpochs = history.length): string {
  const epochs = Math.max(totalEpochs, ...history.map((r) => r.epoch), 1);
  const pick = (f: (r: EpochResult) => number | undefined): [number, number][] =>
    history.flatMap((r) => { const v = f(r); return v === undefined ? [] : [[r.epoch, v] as [number, number]]; });
  const pct = (v: number | undefined): number | undefined => (v === undefined ? undefined : 100 * v);
  const panels = [
    linePanel({
      x0: 0, width: PANEL_W, plotHeight: PLOT_H, title: 'loss', xLabel: 'epoch', epochs,
      series: [{ name: 'train', color: TRAIN, points: pick((r) => r.loss) }, { name: 'validation', color: VAL, points: pick((r) => r.valLoss) }],
    }),
    linePanel({
      x0: PANEL_W, width: PANEL_W, plotHeight: PLOT_H, title: 'accuracy (%)', xLabel: 'epoch', epochs,
      series: [{ name: 'train', color: TRAIN, points: pick((r) => pct(r.accuracy)) }, { name: 'validation', color: VAL, points: pick((r) => pct(r.valAccuracy)) }],
    }),
  ];
  return svgDocument(2 * PANEL_W, Math.max(...panels.map((p) => p.height)), panels.map((p) => p.svg));
}
