import { describe, it, expect } from 'vitest';
import { zeros } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { loadFixture } from '../../../test-utils/fixtures.js';
import {
  SGD, Adam, StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, LambdaLR, OneCycleLR, ReduceLROnPlateau, SequentialLR,
  type LRScheduler, type Scheduler, type ScheduledOptimizer,
} from '../src/index.js';

type Spec = { type: string; [k: string]: unknown };
interface SchedCase {
  name: string;
  spec: Spec;
  optimizer: 'sgd' | 'adam';
  steps: number;
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][] | null;
}

const fixture = loadFixture<SchedCase>(new URL('./fixtures/sched.json', import.meta.url));

function makeOpt(kind: 'sgd' | 'adam'): SGD | Adam {
  const a = new Variable(zeros([2]), { requiresGrad: true }), b = new Variable(zeros([3]), { requiresGrad: true });
  const groups = [{ params: [a] }, { params: [b], lr: 0.02 }];
  return kind === 'adam' ? new Adam(groups, { lr: 0.1 }) : new SGD(groups, { lr: 0.1, momentum: 0.9 });
}

function build(opt: ScheduledOptimizer, spec: Spec): Scheduler {
  const { type, ...o } = spec;
  const sub = (s: Spec): LRScheduler => build(opt, s) as LRScheduler;
  switch (type) {
    case 'StepLR': return new StepLR(opt, o as never);
    case 'MultiStepLR': return new MultiStepLR(opt, o as never);
    case 'ExponentialLR': return new ExponentialLR(opt, o as never);
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, o as never);
    case 'LinearLR': return new LinearLR(opt, o as never);
    case 'LambdaLR': return new LambdaLR(opt, { lrLambda: (t) => 0.95 ** t });
    case 'OneCycleLR': return new OneCycleLR(opt, o as never);
    case 'ReduceLROnPlateau': return new ReduceLROnPlateau(opt, o as never);
    case 'SequentialLR': return new SequentialLR(opt, { schedulers: (o['schedulers'] as Spec[]).map(sub), milestones: o['milestones'] as number[] });
    case 'recipe': return new SequentialLR(opt, {
      schedulers: [new LinearLR(opt, { startFactor: 1 / 125, totalIters: 124 }), new CosineAnnealingLR(opt, { tMax: 1750 })], milestones: [125],
    });
    default: throw new Error(`unknown spec ${type}`);
  }
}

function momenta(opt: SGD | Adam): number[] {
  return opt.paramGroups.map((g) => ('betas' in g ? g.betas[0] : g.momentum));
}

function expectSeq(got: number[][], want: number[][], label: string): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, t) => row.forEach((v, i) => {
    const w = want[t]![i]!;
    if (!(Math.abs(v - w) <= 1e-12 + 1e-9 * Math.abs(w))) expect.fail(`${label} at step ${t} group ${i}: got ${v}, expected ${w}`);
  }));
}

describe('LR schedules match PyTorch 1.13', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const opt = makeOpt(c.optimizer);
      const s = build(opt, c.spec);
      const lrs = [opt.paramGroups.map((g) => g.lr)];
      const moms = [momenta(opt)];
      expect(s.getLastLr()).toEqual(lrs[0]);
      for (let t = 0; t < c.steps; t++) {
        opt.step();
        if (c.metrics) s.step(c.metrics[t]); else s.step();
        lrs.push(opt.paramGroups.map((g) => g.lr));
        moms.push(momenta(opt));
        expect(s.getLastLr()).toEqual(lrs[lrs.length - 1]);
      }
      if (c.spec.type === 'recipe') {
        expectSeq(lrs.filter((_, t) => t % 25 === 0).map((r) => [r[0]!]), c.lrs, 'lr');
      } else {
        expectSeq(lrs, c.lrs, 'lr');
        if (c.spec.type === 'OneCycleLR') expectSeq(moms, c.momenta!, 'momentum');
      }
    });
  }
});

describe('schedule state', () => {
  it('SequentialLR state dict restores the sequence mid-way (warm-up + cosine)', () => {
    const mk = (): { opt: SGD | Adam; s: Scheduler } => {
      const opt = makeOpt('sgd');
      return { opt, s: build(opt, { type: 'recipe' }) };
    };
    const a = mk();
    for (let t = 0; t < 130; t++) a.s.step();
    const saved = JSON.parse(JSON.stringify({ s: a.s.stateDict(), o: a.opt.stateDict() })) as { s: never; o: never };
    const b = mk();
    b.opt.loadStateDict(saved.o);
    b.s.loadStateDict(saved.s);
    for (let t = 0; t < 40; t++) {
      a.s.step();
      b.s.step();
      expect(b.opt.paramGroups[0]!.lr).toBe(a.opt.paramGroups[0]!.lr);
    }
  });

  it('ReduceLROnPlateau state survives JSON (best = Infinity before the first step)', () => {
    const opt = makeOpt('sgd');
    const s = new ReduceLROnPlateau(opt, { patience: 0 });
    const fresh = JSON.parse(JSON.stringify(s.stateDict())) as never;
    s.step(1);
    s.loadStateDict(fresh);
    s.step(5);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });

  it('loadStateDict refuses the state of another schedule', () => {
    const opt = makeOpt('sgd');
    expect(() => new StepLR(opt, { stepSize: 2 }).loadStateDict(new ExponentialLR(makeOpt('sgd'), { gamma: 0.5 }).stateDict()))
      .toThrow('StepLR.loadStateDict: state dict of ExponentialLR cannot be loaded; expected the state of a StepLR');
  });
});

describe('schedule arguments', () => {
  it('refuses bad options with the value and what was expected', () => {
    const opt = makeOpt('sgd');
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow('StepLR: stepSize 0 must be a positive integer; expected an integer >= 1');
    expect(() => new CosineAnnealingLR(opt, { tMax: 1.5 })).toThrow('CosineAnnealingLR: tMax 1.5 must be a positive integer');
    expect(() => new LinearLR(opt, { startFactor: 0 })).toThrow('LinearLR: startFactor 0 is out of range; expected a number in (0, 1]');
    expect(() => new MultiStepLR(opt, { milestones: [1, -2] })).toThrow('MultiStepLR: milestones [1,-2] is not a list of step indices; expected non-negative integers');
    expect(() => new LambdaLR(opt, { lrLambda: [(t: number) => t] })).toThrow('LambdaLR: lrLambda has 1 functions for 2 parameter groups; expected 2');
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow('ReduceLROnPlateau: factor 1 is out of range; expected a number in [0, 1)');
    expect(() => new ReduceLROnPlateau(opt, { mode: 'up' as 'min' })).toThrow("ReduceLROnPlateau: mode 'up' is not supported; expected 'min' or 'max'");
    expect(() => new ReduceLROnPlateau(opt).step(undefined)).toThrow('ReduceLROnPlateau.step: metric undefined is not a number; expected step(value of the monitored metric)');
    expect(() => new OneCycleLR(opt, { maxLr: 1 })).toThrow('OneCycleLR: totalSteps is missing; expected totalSteps, or epochs and stepsPerEpoch');
    expect(() => new OneCycleLR(opt, { maxLr: [1], totalSteps: 5 })).toThrow('OneCycleLR: maxLr [1] is malformed; expected a non-negative number or 2 of them (one per parameter group)');
  });

  it('OneCycleLR refuses a step past totalSteps', () => {
    const s = new OneCycleLR(makeOpt('sgd'), { maxLr: 1, totalSteps: 3 });
    s.step(); s.step(); s.step();
    expect(() => s.step()).toThrow('OneCycleLR.step: step 4 is past totalSteps 3; expected at most 3 steps (raise totalSteps or epochs)');
  });

  it('SequentialLR refuses mismatched milestones and schedules of another optimiser', () => {
    const opt = makeOpt('sgd');
    const a = new LinearLR(opt), b = new ExponentialLR(opt, { gamma: 0.5 });
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow('SequentialLR: milestones [] has 0 entries for 2 schedulers; expected 1');
    expect(() => new SequentialLR(opt, { schedulers: [a, new StepLR(makeOpt('sgd'), { stepSize: 1 })], milestones: [3] }))
      .toThrow('SequentialLR: schedulers[1] belongs to another optimiser; expected every schedule built on the optimiser passed to SequentialLR');
  });
});
