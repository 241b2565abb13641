import { describe, it, expect } from 'vitest';
import { Generator, randn, tensor } from '@tapegrad/tensor';
import { Sequential, Linear, ReLU } from '@tapegrad/nn';
import {
  fit, DataLoader, TensorDataset, SGD, NonFiniteLossError, Progress, messageSink, formatDuration, crossEntropyLoss,
  type ProgressMessage, type ProgressSink,
} from '../src/index.js';
import { RunClock } from '../src/loop/eta.js';

/** 24 points of 3 classes: 3 batches of 8. */
function setup(): { model: Sequential; opt: SGD; train: DataLoader } {
  const g = new Generator(5);
  const x = randn([24, 2], { generator: g });
  const y = tensor(Array.from({ length: 24 }, (_, i) => i % 3));
  const model = new Sequential(new Linear(2, 8, { generator: g }), new ReLU(), new Linear(8, 3, { generator: g }));
  return { model, opt: new SGD(model.parameters(), { lr: 0.1 }), train: new DataLoader(new TensorDataset(x, y, { numClasses: 3 }), { batchSize: 8 }) };
}

describe('fit reports through a ProgressSink', () => {
  it('a run: runStart, per epoch epochStart, a batch per step with ETAs, epochEnd with the summary line, then runEnd', () => {
    const s = setup();
    const seen: ProgressMessage[] = [];
    const r = fit(s.model, { train: s.train, optimizer: s.opt, epochs: 2, progress: messageSink((m) => seen.push(structuredClone(m))) });
    expect(seen.map((m) => m.type)).toEqual(['runStart', 'epochStart', 'batch', 'batch', 'batch', 'epochEnd', 'epochStart', 'batch', 'batch', 'batch', 'epochEnd', 'runEnd']);
    expect(seen[0]).toEqual({ type: 'runStart', epochs: 2, firstEpoch: 1, lastEpoch: 2, batches: 3 });
    const batches = seen.filter((m): m is Extract<ProgressMessage, { type: 'batch' }> => m.type === 'batch');
    expect(batches.map((b) => [b.epoch, b.batch, b.batches])).toEqual([[1, 1, 3], [1, 2, 3], [1, 3, 3], [2, 1, 3], [2, 2, 3], [2, 3, 3]]);
    for (const b of batches) {
      expect(b.epochEta).toBeGreaterThanOrEqual(0);
      expect(b.runEta).toBeGreaterThanOrEqual(b.epochEta);
      expect(Number.isFinite(b.loss) && Number.isFinite(b.meanLoss) && b.accuracy >= 0 && b.accuracy <= 1).toBe(true);
    }
    // the last batch of the last epoch: nothing left to train
    expect(batches.at(-1)!.epochEta).toBe(0);
    const ends = seen.filter((m) => m.type === 'epochEnd');
    expect(ends.map((m) => m.type === 'epochEnd' && m.summary)).toEqual(r.history.map((h) => expect.stringMatching(new RegExp(`^epoch ${h.epoch}/2  loss `))));
    expect(seen.at(-1)).toEqual({ type: 'runEnd', history: r.history, stoppedEarly: false });
  });

  it('a run that throws ends with runEnd carrying the error, then fit rethrows it', () => {
    const s = setup();
    const got: { error?: unknown }[] = [];
    const sink: ProgressSink = { runEnd: (info) => got.push(info) };
    let calls = 0;
    const lossFn = (logits: Parameters<typeof crossEntropyLoss>[0], y: Parameters<typeof crossEntropyLoss>[1]) => (++calls === 2 ? crossEntropyLoss(logits, y).mul(NaN) : crossEntropyLoss(logits, y));
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, lossFn, progress: sink })).toThrow(NonFiniteLossError);
    expect(got).toHaveLength(1);
    expect(got[0]!.error).toBeInstanceOf(NonFiniteLossError);
  });

  it('messageSink posts an ending error as its message', () => {
    const posted: ProgressMessage[] = [];
    messageSink((m) => posted.push(m)).runEnd!({ history: [], stoppedEarly: false, error: new Error('boom') });
    expect(posted).toEqual([{ type: 'runEnd', history: [], stoppedEarly: false, error: 'boom' }]);
  });

  it('early stopping is a message: the built-in display logs it even with progress none', () => {
    const s = setup();
    const lines: string[] = [];
    fit(s.model, { train: s.train, optimizer: new SGD(s.model.parameters(), { lr: 0 }), epochs: 5, earlyStopping: { patience: 1, monitor: 'loss' }, progress: 'none', log: (l) => lines.push(l) });
    expect(lines).toEqual([expect.stringMatching(/^early stopping: loss has not improved for 1 epochs/)]);
  });

  it("refuses a progress that is neither a mode nor a sink; 'auto' off a terminal prints lines", () => {
    const s = setup();
    expect(() => fit(s.model, { train: s.train, optimizer: s.opt, epochs: 1, progress: 'fancy' as 'bar' }))
      .toThrow("fit: progress \"fancy\" is not supported; expected 'auto', 'bar', 'lines', 'none' or a ProgressSink");
    const lines: string[] = [];
    const p = new Progress('auto', (l) => lines.push(l), { isTTY: false });
    p.epochEnd({ epoch: 1, loss: 1, accuracy: 0.5, lr: 0.1, seconds: 1, imagesPerSecond: 10 }, 'epoch 1/1 summary');
    expect(lines).toEqual(['epoch 1/1 summary']);
  });
});

describe('ETAs', () => {
  it('before any epoch ends: the epoch from its pace, the run as that many more epochs', () => {
    const c = new RunClock(3);
    // epoch 1 of 3, 1 of 4 batches after 2 s: 6 s left in it, then 2 epochs of 8 s
    expect(c.eta(1, 1, 4, 2)).toEqual({ epoch: 6, run: 22 });
    expect(c.eta(3, 4, 4, 8)).toEqual({ epoch: 0, run: 0 });
  });

  it('formatDuration: m:ss below an hour, h:mm:ss above, - when unknown', () => {
    expect([formatDuration(0), formatDuration(59.6), formatDuration(61), formatDuration(3600), formatDuration(3 * 3600 + 62), formatDuration(NaN), formatDuration(Infinity)])
      .toEqual(['0:00', '1:00', '1:01', '1:00:00', '3:01:02', '-', '-']);
  });
});
