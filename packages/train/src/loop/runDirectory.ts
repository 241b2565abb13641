import { fail } from '@tapegrad/tensor';
import { requireNode, type NodeHost } from '../platform/index.js';
import { saveCheckpoint, loadCheckpoint } from '../checkpoint/files.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import { curvesSvg, type EpochResult } from './curves.js';
import { makeDirectory } from './makeDirectory.js';

/** `fit`'s output directory: metrics.jsonl, curves.svg and checkpoint.safetensors (Node only). */
export class RunDirectory {
  readonly checkpointPath: string;
  private readonly metricsPath: string;
  private readonly curvesPath: string;
  private readonly host: NodeHost;

  /** Creates the directory (and its parents). */
  constructor(readonly outDir: string) {
    this.host = requireNode('fit', 'outDir (writing files)', 'leave outDir out and keep the results from callbacks or a ProgressSink (encodeCheckpoint for a checkpoint)');
    const { join, resolve } = this.host.path;
    this.checkpointPath = join(outDir, 'checkpoint.safetensors');
    this.metricsPath = join(outDir, 'metrics.jsonl');
    this.curvesPath = join(outDir, 'curves.svg');
    try {
      makeDirectory(outDir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const at = err.path !== undefined && resolve(err.path) !== resolve(outDir) ? ` at ${err.path}` : '';
      fail('fit', `outDir ${outDir} cannot be created (${err.code ?? String(e)}${at}); expected a writable directory`);
    }
  }

  hasCheckpoint(): boolean {
    return this.host.fs.existsSync(this.checkpointPath);
  }

  readCheckpoint(): Checkpoint {
    return loadCheckpoint(this.checkpointPath);
  }

  /** (Re)starts metrics.jsonl from `history`; this also proves the directory writable up front. */
  startMetrics(history: readonly EpochResult[]): void {
    try {
      this.host.atomicWrite(this.metricsPath, [new TextEncoder().encode(history.map((r) => `${JSON.stringify(r)}\n`).join(''))]);
    } catch (e) {
      fail('fit', `outDir ${this.outDir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}); expected a writable directory`);
    }
  }

  /** After an epoch: its line in metrics.jsonl, the checkpoint (atomically), then curves.svg. */
  saveEpoch(result: EpochResult, ckpt: Checkpoint, history: readonly EpochResult[], epochs: number): void {
    this.host.fs.appendFileSync(this.metricsPath, `${JSON.stringify(result)}\n`);
    saveCheckpoint(this.checkpointPath, ckpt);
    this.host.atomicWrite(this.curvesPath, [new TextEncoder().encode(curvesSvg(history, epochs))]);
  }
}
