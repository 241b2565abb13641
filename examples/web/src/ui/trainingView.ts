// The training card's numbers, curves and epoch table, drawn from a TrainingHistory.
import type { EpochReport } from '../protocol.js';
import { accuracyFloor, type TrainingHistory } from '../trainingHistory.js';
import { byId } from './byId.js';
import { drawChart, linearTicks, watchSize, type ChartLine } from './lineChart.js';

const COLORS = { train: '#4f46e5', test: '#e11d48' };
const pct = (v: number, d = 2): string => (Number.isFinite(v) ? `${(100 * v).toFixed(d)} %` : '–');

/** Sets the text only when it changes (each change costs a style and layout pass). */
function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

export class TrainingView {
  private readonly lossChart = byId<HTMLCanvasElement>('chart-loss');
  private readonly accChart = byId<HTMLCanvasElement>('chart-acc');
  private readonly rows = byId<HTMLTableSectionElement>('epoch-rows');
  private readonly table = byId<HTMLTableElement>('epoch-table');
  private readonly stat = {
    epoch: byId('stat-epoch'), step: byId('stat-step'), loss: byId('stat-loss'), acc: byId('stat-acc'),
    ips: byId('stat-ips'), test: byId('stat-test'), lr: byId('stat-lr'),
  };

  /** `onResize`: the page's request for a new frame when a chart's size changes. */
  constructor(onResize: () => void) {
    watchSize(this.lossChart, onResize);
    watchSize(this.accChart, onResize);
  }

  reset(): void {
    this.rows.replaceChildren();
    this.table.hidden = true;
    for (const e of Object.values(this.stat)) e.textContent = '–';
    this.stat.test.dataset['value'] = '';
  }

  /** Numbers and curves; called on an animation frame after new steps arrived. */
  render(h: TrainingHistory, plannedSteps: number, stepsPerEpoch: number): void {
    const r = h.last;
    if (r !== null) {
      setText(this.stat.epoch, `${r.epoch} / ${r.epochs}`);
      setText(this.stat.step, `${r.globalStep} / ${r.totalSteps}`);
      setText(this.stat.loss, h.smoothedLoss.toFixed(4));
      setText(this.stat.acc, pct(h.smoothedAccuracy, 1));
      setText(this.stat.ips, r.imagesPerSecond.toFixed(0));
      setText(this.stat.lr, r.lr.toPrecision(3));
    }
    this.drawCharts(h, h.totalSteps || plannedSteps, h.stepsPerEpoch || stepsPerEpoch);
  }

  showTestAccuracy(v: number): void {
    this.stat.test.textContent = pct(v);
    this.stat.test.dataset['value'] = String(v);
  }

  addEpoch(e: EpochReport): void {
    this.showTestAccuracy(e.testAccuracy);
    const tr = document.createElement('tr');
    for (const s of [String(e.epoch), e.trainLoss.toFixed(4), pct(e.trainAccuracy), e.testLoss.toFixed(4), pct(e.testAccuracy), e.seconds.toFixed(1), e.imagesPerSecond.toFixed(0)]) {
      const td = document.createElement('td');
      td.textContent = s;
      tr.append(td);
    }
    this.rows.append(tr);
    this.table.hidden = false;
  }

  private drawCharts(h: TrainingHistory, total: number, spe: number): void {
    const epochs = Math.round(total / spe), every = epochs > 20 ? 5 : epochs > 10 ? 2 : 1;
    const xTicks: number[] = [];
    for (let e = 0; e <= epochs; e += every) xTicks.push(e * spe);
    const xFormat = (v: number): string => (v === 0 ? 'epoch 0' : String(Math.round(v / spe)));
    const ex = h.epochs.map((e) => e.epoch * spe);
    const steps = h.step.values();
    const lossLines: ChartLine[] = [
      { xs: steps, ys: h.loss.values(), color: COLORS.train, width: 1, alpha: 0.22 },
      { xs: steps, ys: h.lossSmooth.values(), color: COLORS.train, width: 2 },
      { xs: ex, ys: h.epochs.map((e) => e.testLoss), color: COLORS.test, width: 1.5, dots: true },
    ];
    drawChart(this.lossChart, {
      xMax: total, yMin: 0.005, yMax: 5, logY: true, yTicks: [0.01, 0.03, 0.1, 0.3, 1, 3],
      yFormat: (v) => String(v), xTicks, xFormat, lines: lossLines,
      legend: [{ label: 'loss per step (smoothed)', color: COLORS.train }, { label: 'test loss per epoch', color: COLORS.test }],
    });
    const lo = accuracyFloor(h);
    const accLines: ChartLine[] = [
      { xs: steps, ys: h.accuracy.values(), color: COLORS.train, width: 1, alpha: 0.22 },
      { xs: steps, ys: h.accuracySmooth.values(), color: COLORS.train, width: 2 },
      { xs: ex, ys: h.epochs.map((e) => e.testAccuracy), color: COLORS.test, width: 1.5, dots: true },
    ];
    drawChart(this.accChart, {
      xMax: total, yMin: lo, yMax: 1, yTicks: linearTicks(lo, 1, 4), yFormat: (v) => `${Math.round(100 * v)} %`, xTicks, xFormat, lines: accLines,
      legend: [{ label: 'batch accuracy per step (smoothed)', color: COLORS.train }, { label: 'test accuracy per epoch', color: COLORS.test }],
    });
  }
}
