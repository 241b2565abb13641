// Four heads on the same BatchNorm NiN trunk (docs/recipe.md's nin-bn up to its last 3x3 + 1x1 convs):
//   gap     NiN: a 1x1 conv to 10 class maps, then global average pooling (no FC) = createModel('nin-bn')
//   gap-fc  GAP over the 128 trunk channels, then Linear(128, 10) (ResNet style)
//   fc      Flatten (128 * 7 * 7 = 6272) then Linear(6272, 256) ReLU Dropout Linear(256, 10) (nin-fc style)
//   gem     as gap, with GeM pooling (learnable exponent, examples/gem.ts) in place of the average
import {
  Generator, Module, Sequential, Conv2d, BatchNorm2d, ReLU, Dropout, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, Linear, init,
} from 'tapegrad';
import { GeM } from '../gem.js';

export const HEADS = ['gap', 'gap-fc', 'fc', 'gem'] as const;
export type HeadName = (typeof HEADS)[number];

export const HEAD_TITLES: Record<HeadName, string> = {
  gap: '(a) NiN: 1x1 conv to 10 maps + GAP',
  'gap-fc': '(b) GAP + Linear(128, 10)',
  fc: '(c) Flatten + FC (nin-fc)',
  gem: '(d) 1x1 conv to 10 maps + GeM (custom op)',
};

function block(g: Generator, inC: number, outC: number, k: number, padding = 0): Module[] {
  const conv = new Conv2d(inC, outC, k, { padding, generator: g });
  init.kaimingNormal_(conv.weight, { mode: 'fan_in', nonlinearity: 'relu', generator: g });
  if (conv.bias) init.zeros_(conv.bias);
  return [conv, new BatchNorm2d(outC), new ReLU()];
}

/** (N, 1, 28, 28) -> (N, 128, 7, 7): the shared trunk. */
function trunk(g: Generator, drop: Generator): Module[] {
  return [
    ...block(g, 1, 32, 5, 2), ...block(g, 32, 32, 1), ...block(g, 32, 32, 1),
    new MaxPool2d(3, { stride: 2, ceilMode: true }), new Dropout(0.5, { generator: drop }),
    ...block(g, 32, 64, 5, 2), ...block(g, 64, 64, 1), ...block(g, 64, 64, 1),
    new AvgPool2d(3, { stride: 2, ceilMode: true }), new Dropout(0.5, { generator: drop }),
    ...block(g, 64, 128, 3, 1), ...block(g, 128, 128, 1),
  ];
}

/** The trunk's layer count: layers after it form the head. */
export const TRUNK_LAYERS = 28;

/** A model with the given head; the same seed gives the same trunk weights for every head. */
export function buildModel(head: HeadName, seed: number): Sequential {
  const g = new Generator(seed), drop = new Generator(seed + 1000);
  const t = trunk(g, drop);
  switch (head) {
    case 'gap': return new Sequential(...t, ...block(g, 128, 10, 1), new GlobalAvgPool2d());
    case 'gem': return new Sequential(...t, ...block(g, 128, 10, 1), new GeM());
    case 'gap-fc': return new Sequential(...t, new GlobalAvgPool2d(), new Linear(128, 10, { generator: g }));
    case 'fc': return new Sequential(
      ...t, new Flatten(), new Linear(6272, 256, { generator: g }), new ReLU(), new Dropout(0.5, { generator: drop }),
      new Linear(256, 10, { generator: g }),
    );
  }
}

/** Parameters of the head alone (the layers after the trunk). */
export function headParameters(model: Sequential): number {
  return model.layers.slice(TRUNK_LAYERS).reduce((n, m) => n + m.numParameters(), 0);
}
