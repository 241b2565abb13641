import { defaultGenerator, fail, type Generator } from '@tapegrad/tensor';
import {
  Module, Sequential, Conv2d, BatchNorm2d, ReLU, Dropout, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, Linear, init,
} from '@tapegrad/nn';
import { Fire } from './Fire.js';

/** The models of docs/benchmark.md (and docs/recipe.md's nin-bn) by name. */
export const MODEL_NAMES = ['nin', 'nin-fc', 'squeezenet', 'nin-bn'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface CreateModelOptions {
  /** Source of the initial weights. @default the global generator */
  generator?: Generator;
  /** Source of the dropout masks. @default the global generator */
  dropoutGenerator?: Generator;
  /** Probability of every Dropout layer of the model (nin, nin-bn, nin-fc, squeezenet), in [0, 1). @default 0.5 */
  dropout?: number;
}

interface Ctx { g: Generator; drop: () => Dropout }

function conv(c: Ctx, inC: number, outC: number, k: number, padding = 0): Conv2d {
  return new Conv2d(inC, outC, k, { padding, generator: c.g });
}

/** Conv(-BN)-ReLU triples of the NiN blocks, as a flat list. */
function convLayer(c: Ctx, bn: boolean, inC: number, outC: number, k: number, padding = 0): Module[] {
  return bn ? [conv(c, inC, outC, k, padding), new BatchNorm2d(outC), new ReLU()] : [conv(c, inC, outC, k, padding), new ReLU()];
}

/** NiN blocks 1 and 2: (N, 1, 28, 28) -> (N, 64, 7, 7). */
function ninTrunk(c: Ctx, bn: boolean): Module[] {
  return [
    ...convLayer(c, bn, 1, 32, 5, 2), ...convLayer(c, bn, 32, 32, 1), ...convLayer(c, bn, 32, 32, 1),
    new MaxPool2d(3, { stride: 2, ceilMode: true }), c.drop(),
    ...convLayer(c, bn, 32, 64, 5, 2), ...convLayer(c, bn, 64, 64, 1), ...convLayer(c, bn, 64, 64, 1),
    new AvgPool2d(3, { stride: 2, ceilMode: true }), c.drop(),
  ];
}

function nin(c: Ctx, bn: boolean): Sequential {
  return new Sequential(
    ...ninTrunk(c, bn),
    ...convLayer(c, bn, 64, 128, 3, 1), ...convLayer(c, bn, 128, 128, 1), ...convLayer(c, bn, 128, 10, 1),
    new GlobalAvgPool2d(),
  );
}

function ninFc(c: Ctx): Sequential {
  return new Sequential(
    ...ninTrunk(c, false),
    ...convLayer(c, false, 64, 128, 3, 1), ...convLayer(c, false, 128, 128, 1),
    new Flatten(), new Linear(6272, 256, { generator: c.g }), new ReLU(), c.drop(), new Linear(256, 10, { generator: c.g }),
  );
}

function squeezenet(c: Ctx): Sequential {
  const pool = (): MaxPool2d => new MaxPool2d(3, { stride: 2, ceilMode: true });
  const fire = (i: number, s: number, e1: number, e3: number): Fire => new Fire(i, s, e1, e3, { generator: c.g });
  return new Sequential(
    conv(c, 1, 64, 3, 1), new ReLU(), pool(),
    fire(64, 16, 64, 64), fire(128, 16, 64, 64), pool(),
    fire(128, 32, 128, 128), fire(256, 32, 128, 128), c.drop(),
    conv(c, 256, 10, 1), new ReLU(), new AvgPool2d(7), new Flatten(),
  );
}

/** docs/recipe.md's init: conv weights N(0, 2 / fan_in) (fan_in = inC k k), conv biases 0; BatchNorm keeps gamma 1, beta 0. */
function recipeInit(model: Module, g: Generator): void {
  for (const m of model.namedModules().map(([, x]) => x)) {
    if (m instanceof Conv2d) {
      init.kaimingNormal_(m.weight, { mode: 'fan_in', nonlinearity: 'relu', generator: g });
      if (m.bias) init.zeros_(m.bias);
    }
  }
}

/**
 * A model of docs/benchmark.md by name, input (N, 1, 28, 28) -> logits (N, 10): `nin` (NiN with a
 * GAP head), `nin-fc` (the same trunk with a flatten + fully connected head), `squeezenet` (Fire
 * modules, GAP head), each one flat Sequential with PyTorch's default init; `nin-bn`, docs/recipe.md's
 * nin with BatchNorm2d after every convolution and its N(0, 2/fan_in) init, the model the main
 * job trains.
 */
export function createModel(name: ModelName, opts: CreateModelOptions = {}): Sequential {
  const g = opts.generator ?? defaultGenerator;
  const p = opts.dropout ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) fail('createModel', `dropout ${String(p)} is not a probability below 1; expected a number in [0, 1)`);
  const c: Ctx = { g, drop: () => new Dropout(p, opts.dropoutGenerator ? { generator: opts.dropoutGenerator } : {}) };
  switch (name) {
    case 'nin': return nin(c, false);
    case 'nin-fc': return ninFc(c);
    case 'squeezenet': return squeezenet(c);
    case 'nin-bn': {
      const m = nin(c, true);
      recipeInit(m, g);
      return m;
    }
    default:
      return fail('createModel', `model '${String(name)}' is unknown; expected one of ${MODEL_NAMES.join(', ')}`);
  }
}
