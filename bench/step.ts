// One training step (batch 64, SGD with momentum, cross-entropy, the loss read back) or inference
// step (batch 256, eval mode, the logits read back) of a canonical model on fixed random inputs:
// what bench/kprof.ts, bench/profile.ts and bench/steps.ts time.
import { Generator, rand, tensor, noGrad, Variable, F, SGD, createModel, MODEL_NAMES, type ModelName } from 'tapegrad';

export type Pass = 'train' | 'infer';

/** The model's step for `pass`, warmed up with three runs; `who` names the script in errors. */
export function modelStep(who: string, name: string, pass: string): () => void {
  if (!(MODEL_NAMES as readonly string[]).includes(name)) throw new Error(`${who}: model ${name} is not one of ${MODEL_NAMES.join(', ')}`);
  if (pass !== 'train' && pass !== 'infer') throw new Error(`${who}: pass ${pass} is not one of train, infer`);
  const g = new Generator(1);
  const model = createModel(name as ModelName, { generator: g });
  const batch = pass === 'train' ? 64 : 256;
  const x = rand([batch, 1, 28, 28], { generator: g });
  const y = tensor(Float32Array.from({ length: batch }, () => g.randint(10)), [batch]);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const step = pass === 'train'
    ? (): void => {
      model.train();
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(new Variable(x)), y);
      loss.backward();
      opt.step();
      loss.item();
    }
    : (): void => {
      model.eval();
      noGrad(() => model.forward(new Variable(x))).data.toArray();
    };
  for (let i = 0; i < 3; i++) step();
  return step;
}

/** A positive integer from a command-line argument, or an error naming it. */
export function countArg(who: string, what: string, arg: string): number {
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${who}: ${what} ${arg} is not a positive integer`);
  return n;
}
