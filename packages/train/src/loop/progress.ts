import type CliProgress from 'cli-progress';
import { nodeHost, requireNode } from '../platform/index.js';
import { formatDuration } from './eta.js';
import type { BatchProgress, EpochStart, ProgressSink } from './progressSink.js';
import type { EpochResult } from './curves.js';

/**
 * The built-in displays: a live bar on the terminal (Node), one line per epoch, or nothing.
 * 'auto' picks the bar on a terminal, else lines (always lines in a browser).
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/**
 * The terminal sink, `fit`'s default: with 'bar' a live bar per epoch (loss, accuracy, images/s,
 * the epoch's ETA and the run's), then the epoch's summary line through `log`; with 'lines' only
 * the summary lines; with 'none' nothing but messages (early stopping).
 */
export class Progress implements ProgressSink {
  private bar: CliProgress.SingleBar | null = null;
  private readonly mode: 'bar' | 'lines' | 'none';
  private readonly cli: typeof CliProgress | null = null;

  constructor(mode: ProgressMode, private readonly log: (line: string) => void, stream?: { readonly isTTY?: boolean }) {
    const host = nodeHost();
    this.mode = mode === 'auto' ? (host !== null && (stream ?? host.stdout).isTTY === true ? 'bar' : 'lines') : mode;
    if (this.mode === 'bar') this.cli = requireNode('fit', "progress 'bar' (a terminal progress bar)", "use progress 'lines' or a ProgressSink").cliProgress;
  }

  epochStart({ epoch, epochs, batches }: EpochStart): void {
    if (this.cli === null) return;
    this.bar = new this.cli.SingleBar({
      format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {epochEta} (run {runEta})`,
      barCompleteChar: '=', barIncompleteChar: ' ', barsize: 24, hideCursor: true, clearOnComplete: true,
    });
    this.bar.start(batches, 0, { loss: '-', acc: '-', ips: '-', epochEta: '-', runEta: '-' });
  }

  batchEnd(p: BatchProgress): void {
    this.bar?.update(p.batch, {
      loss: p.meanLoss.toFixed(4), acc: `${(100 * p.accuracy).toFixed(2)}%`, ips: p.imagesPerSecond.toFixed(0),
      epochEta: formatDuration(p.epochEta), runEta: formatDuration(p.runEta),
    });
  }

  epochEnd(_result: EpochResult, summary: string): void {
    this.stopBar();
    if (this.mode !== 'none') this.log(summary);
  }

  message(line: string): void {
    this.log(line);
  }

  runEnd(): void {
    this.stopBar();
  }

  private stopBar(): void {
    if (this.bar === null) return;
    this.bar.stop();
    this.bar = null;
  }
}
