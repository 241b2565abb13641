// docs/benchmark.md's model measurements: training images/s (batch 64: forward in train mode,
// crossEntropy, backward, SGD lr 0.05 momentum 0.9) and inference images/s (batch 256, eval,
// noGrad), on random normalised input and random class targets, each step read back.
import { Generator, rand, tensor, type Tensor, noGrad, Variable, F, type Module } from 'tapegrad';
import * as train from 'tapegrad';
import { emit, measure, median, peakRssMiB, PLANS, round, stats, type BenchRecord } from './measure.js';

export const TRAIN_BATCH = 64, INFER_BATCH = 256;
/** Multiply-adds x 2 per image (docs/benchmark.md), for effective GFLOP/s: training is about 3x forward. */
const MFLOP: Record<string, { train: number; infer: number }> = {
  nin: { train: 110, infer: 36.7 },
  'nin-fc': { train: 110, infer: 36.7 },
  squeezenet: { train: 58.9, infer: 19.6 },
};

type CreateModel = (name: string, opts?: { generator?: Generator }) => Module;

/** `createModel` from @tapegrad/train, or null while the models have not landed. */
export function findCreateModel(): CreateModel | null {
  const f = (train as Record<string, unknown>)['createModel'];
  return typeof f === 'function' ? (f as CreateModel) : null;
}

export function input(batch: number, g: Generator): Tensor {
  const x = rand([batch, 1, 28, 28], { generator: g });
  const v = x.toArray();
  for (let i = 0; i < v.length; i++) v[i] = (v[i]! - 0.1307) / 0.3081;
  return tensor(v, [batch, 1, 28, 28]);
}

/**
 * Training (at each of `trainBatches`; a batch other than 64 is the pass `train@<batch>`) and
 * inference figures of one model.
 */
export function runModel(name: string, common: BenchRecord, budgetS: number, trainBatches: readonly number[] = [TRAIN_BATCH]): void {
  const createModel = findCreateModel();
  if (createModel === null) {
    emit({ model: name, pass: 'train', error: 'createModel is not exported by @tapegrad/train yet', ...common });
    return;
  }
  const g = new Generator(1234);
  const model = createModel(name, { generator: g });
  const params = model.parameters().reduce((s, p) => s + p.data.size, 0);
  const xInfer = input(INFER_BATCH, g);
  const figure = (pass: string, batch: number, step: () => void, extra: () => BenchRecord): void => {
    const kind = pass.startsWith('train') ? 'train' : 'infer';
    const t = measure(step, kind === 'train' ? PLANS.train : PLANS.infer, budgetS);
    const med = median(t.times);
    const mflop = MFLOP[name]?.[kind];
    emit({
      model: name, pass, batch, img_per_s: round(batch / med, 1), ms_per_step: round(med * 1e3, 2),
      ...(mflop !== undefined ? { effective_gflops: round((batch * mflop) / med / 1e3, 2) } : {}),
      ...stats(t), params, ...extra(), ...common, peak_rss_mib: peakRssMiB(),
    });
  };
  for (const batch of trainBatches) {
    const pass = batch === TRAIN_BATCH ? 'train' : `train@${batch}`;
    try {
      const xTrain = input(batch, g);
      const yTrain = tensor(Float32Array.from({ length: batch }, () => g.randint(10)), [batch]);
      model.train();
      const opt = new train.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
      let loss = NaN;
      figure(pass, batch, () => {
        opt.zeroGrad();
        const l = F.crossEntropy(model.forward(new Variable(xTrain)), yTrain);
        l.backward();
        opt.step();
        loss = l.item();
      }, () => ({ optimizer: 'SGD lr 0.05 momentum 0.9', last_loss: round(loss, 4) }));
    } catch (e) {
      emit({ model: name, pass, error: `training step failed: ${String(e)}`.slice(0, 300), ...common });
    }
  }
  try {
    model.eval();
    figure('infer', INFER_BATCH, () => {
      const out = noGrad(() => model.forward(new Variable(xInfer)));
      if (out.shape[0] !== INFER_BATCH || out.shape[1] !== 10) throw new Error(`output shape ${out.shape.join('x')}`);
      out.data.toArray();
    }, () => ({ no_grad: true }));
  } catch (e) {
    emit({ model: name, pass: 'infer', error: `inference failed: ${String(e)}`.slice(0, 300), ...common });
  }
}
