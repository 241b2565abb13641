import cliProgress from 'cli-progress';

/** How `fit` reports: a live bar, one line per epoch, or nothing. 'auto' picks the bar on a TTY. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface BatchStats { loss: number; accuracy: number; imagesPerSecond: number }

/** The progress display of one `fit` run. */
export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly mode: 'bar' | 'lines' | 'none';

  constructor(mode: ProgressMode, private readonly log: (line: string) => void, stream: { readonly isTTY?: boolean } = process.stdout) {
    this.mode = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  }

  startEpoch(epoch: number, epochs: number, batches: number): void {
    if (this.mode !== 'bar') return;
    this.bar = new cliProgress.SingleBar({
      format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {eta_formatted}`,
      barCompleteChar: '=', barIncompleteChar: ' ', barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 20,
    });
    this.bar.start(batches, 0, { loss: '-', acc: '-', ips: '-' });
  }

  batch(done: number, s: BatchStats): void {
    this.bar?.update(done, { loss: s.loss.toFixed(4), acc: `${(100 * s.accuracy).toFixed(2)}%`, ips: s.imagesPerSecond.toFixed(0) });
  }

  endEpoch(summary: string): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
    if (this.mode !== 'none') this.log(summary);
  }
}
