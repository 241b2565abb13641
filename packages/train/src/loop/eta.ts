/**
 * The clock of one `fit` call: how long its epochs took, and from that how long the rest of the
 * epoch and of the run should take.
 */
export class RunClock {
  /** Whole epochs (training, validation, saving) of this call, in seconds. */
  private readonly epochs: number[] = [];
  /** Seconds after the last epoch's training pass (validation, saving). */
  private tail = 0;
  private epochT0 = 0;
  private trainT1 = 0;

  constructor(private readonly lastEpoch: number) {}

  startEpoch(): void {
    this.epochT0 = performance.now();
  }

  endTraining(): void {
    this.trainT1 = performance.now();
  }

  endEpoch(): void {
    const t = performance.now();
    this.epochs.push((t - this.epochT0) / 1000);
    this.tail = (t - this.trainT1) / 1000;
  }

  /** Seconds left in `epoch`'s training pass and in the run, `elapsed` seconds and `batch` of `batches` batches into the pass. */
  eta(epoch: number, batch: number, batches: number, elapsed: number): { epoch: number; run: number } {
    const perBatch = elapsed / batch;
    const rest = perBatch * (batches - batch);
    const perEpoch = this.epochs.length > 0 ? this.epochs.reduce((a, b) => a + b, 0) / this.epochs.length : perBatch * batches + this.tail;
    return { epoch: rest, run: rest + this.tail + Math.max(0, this.lastEpoch - epoch) * perEpoch };
  }
}

/** Seconds as m:ss, or h:mm:ss from an hour; '-' when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
