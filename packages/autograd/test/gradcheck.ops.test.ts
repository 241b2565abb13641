// A numeric gradcheck (central differences, random upstream gradient) for every core op, on tiny
// inputs kept away from kinks (0 for abs/relu/norm) and ties (amax, max, norm p=inf).
import { describe, it, expect } from 'vitest';
import { Generator, Tensor, randn, rand, tensor } from '@tapegrad/tensor';
import {
  Variable, gradcheck, add, sub, mul, div, pow, neg, exp, log, sqrt, abs, relu, sigmoid, tanh, clamp, matmul,
  sum, mean, amax, amin, max, min, norm, reshape, flatten, squeeze, unsqueeze, permute, transpose, expand,
  narrow, slice, cat, stack, pad, softmax, logSoftmax, where,
} from '../src/index.js';

const g = new Generator(2024);
const v = (t: Tensor): Variable => new Variable(t, { requiresGrad: true });
/** Standard normal entries. */
const normal = (...shape: number[]): Variable => v(randn(shape, { generator: g }));
/** Entries in [0.5, 2): safe for log, sqrt, division and fractional powers. */
const positive = (...shape: number[]): Variable => v(rand(shape, { generator: g, low: 0.5, high: 2 }));
/** Entries at least 0.2 away from 0 (abs, relu, sign-dependent gradients). */
function awayFromZero(...shape: number[]): Variable {
  const t = randn(shape, { generator: g }).toArray().map((x) => (x >= 0 ? x + 0.2 : x - 0.2));
  return v(tensor(t, shape));
}
/** Distinct entries 0.3 apart in a shuffled order (no ties within 2 * eps), some negative. */
function distinct(...shape: number[]): Variable {
  const n = shape.reduce((p, s) => p * s, 1);
  const perm = g.permutation(n);
  return v(tensor(Array.from(perm, (k) => (k - n / 2 + 0.5) * 0.3), shape));
}

type Fn = (...xs: Variable[]) => Variable | [Variable, Tensor];
const cases: [string, Fn, () => Variable[]][] = [
  ['add broadcast [2, 3] + [3]', (a, b) => add(a!, b!), () => [normal(2, 3), normal(3)]],
  ['add with a number', (a) => add(a!, 1.5), () => [normal(2, 2)]],
  ['sub broadcast [2, 1, 3] - [4, 1]', (a, b) => sub(a!, b!), () => [normal(2, 1, 3), normal(4, 1)]],
  ['mul broadcast [2, 3] * [2, 1]', (a, b) => mul(a!, b!), () => [normal(2, 3), normal(2, 1)]],
  ['div broadcast [2, 3] / [3]', (a, b) => div(a!, b!), () => [normal(2, 3), positive(3)]],
  ['div number / tensor', (b) => div(2, b!), () => [positive(4)]],
  ['pow tensor ^ tensor', (a, b) => pow(a!, b!), () => [positive(2, 3), normal(2, 3)]],
  ['pow tensor ^ 3', (a) => pow(a!, 3), () => [normal(2, 3)]],
  ['pow tensor ^ -0.5', (a) => pow(a!, -0.5), () => [positive(2, 3)]],
  ['pow 2 ^ tensor', (b) => pow(2, b!), () => [normal(4)]],
  ['neg', (a) => neg(a!), () => [normal(2, 3)]],
  ['exp', (a) => exp(a!), () => [normal(2, 3)]],
  ['log', (a) => log(a!), () => [positive(2, 3)]],
  ['sqrt', (a) => sqrt(a!), () => [positive(2, 3)]],
  ['abs away from 0', (a) => abs(a!), () => [awayFromZero(2, 3)]],
  ['relu away from 0', (a) => relu(a!), () => [awayFromZero(2, 3)]],
  ['sigmoid', (a) => sigmoid(a!), () => [normal(2, 3)]],
  ['tanh', (a) => tanh(a!), () => [normal(2, 3)]],
  ['clamp [-0.5, 0.5] away from the bounds', (a) => clamp(a!, -0.5, 0.5), () => [v(tensor([-1, -0.3, 0, 0.2, 0.9, 2], [2, 3]))]],
  ['matmul 2-D', (a, b) => matmul(a!, b!), () => [normal(3, 4), normal(4, 2)]],
  ['matmul broadcast batch [2, 1, 2, 3] @ [3, 3, 2]', (a, b) => matmul(a!, b!), () => [normal(2, 1, 2, 3), normal(3, 3, 2)]],
  ['matmul 1-D @ 3-D', (a, b) => matmul(a!, b!), () => [normal(3), normal(2, 3, 2)]],
  ['matmul 2-D @ 1-D', (a, b) => matmul(a!, b!), () => [normal(2, 3), normal(3)]],
  ['matmul 1-D @ 1-D', (a, b) => matmul(a!, b!), () => [normal(4), normal(4)]],
  ['sum all', (a) => sum(a!), () => [normal(2, 3)]],
  ['sum dims [0, 2] keepDim', (a) => sum(a!, [0, 2], true), () => [normal(2, 3, 2)]],
  ['mean dim -1', (a) => mean(a!, -1), () => [normal(2, 3, 2)]],
  ['amax dim 1', (a) => amax(a!, 1), () => [distinct(2, 4)]],
  ['amin dims [0, 1] keepDim', (a) => amin(a!, [0, 1], true), () => [distinct(2, 3, 2)]],
  ['max dim 0 (values)', (a) => max(a!, 0), () => [distinct(3, 2)]],
  ['min dim 1 keepDim (values)', (a) => min(a!, 1, true), () => [distinct(3, 2)]],
  ['norm p=2 all', (a) => norm(a!), () => [normal(2, 3)]],
  ['norm p=1 dim 1', (a) => norm(a!, 1, 1), () => [awayFromZero(2, 3)]],
  ['norm p=3 dims [0, 1] keepDim', (a) => norm(a!, 3, [0, 1], true), () => [awayFromZero(2, 3)]],
  ['norm p=inf dim 1', (a) => norm(a!, Infinity, 1), () => [distinct(2, 3)]],
  ['reshape [2, 3, 2] -> [3, -1]', (a) => reshape(a!, [3, -1]), () => [normal(2, 3, 2)]],
  ['reshape of a transposed input', (a) => reshape(transpose(a!, 0, 1), [6]), () => [normal(2, 3)]],
  ['flatten start 1', (a) => flatten(a!, 1), () => [normal(2, 3, 2)]],
  ['squeeze dim 1', (a) => squeeze(a!, 1), () => [normal(2, 1, 3)]],
  ['unsqueeze dim -1', (a) => unsqueeze(a!, -1), () => [normal(2, 3)]],
  ['permute [2, 0, 1]', (a) => permute(a!, [2, 0, 1]), () => [normal(2, 3, 2)]],
  ['transpose 0 1', (a) => transpose(a!, 0, 1), () => [normal(2, 3)]],
  ['expand [3, 1] -> [2, 3, 4]', (a) => expand(a!, [2, 3, 4]), () => [normal(3, 1)]],
  ['narrow dim 1 start 1 length 2', (a) => narrow(a!, 1, 1, 2), () => [normal(2, 4)]],
  ['slice dim 0 [-2:]', (a) => slice(a!, 0, -2), () => [normal(3, 2)]],
  ['cat dim 1', (a, b) => cat([a!, b!], 1), () => [normal(2, 1), normal(2, 3)]],
  ['stack dim 1', (a, b) => stack([a!, b!], 1), () => [normal(2, 3), normal(2, 3)]],
  ['pad [1, 2, 0, 1] value 0.5', (a) => pad(a!, [1, 2, 0, 1], 0.5), () => [normal(2, 3)]],
  ['pad negative crops', (a) => pad(a!, [-1, 1, 1, -1]), () => [normal(3, 3)]],
  ['softmax dim 1', (a) => softmax(a!, 1), () => [normal(2, 4)]],
  ['softmax dim 0 of 3-D', (a) => softmax(a!, 0), () => [normal(3, 2, 2)]],
  ['logSoftmax dim -1', (a) => logSoftmax(a!, -1), () => [normal(2, 4)]],
  ['where broadcast', (a, b) => where(tensor([1, 0, 1]), a!, b!), () => [normal(2, 3), normal(2, 1)]],
  ['a variable used twice: x * x + x', (a) => add(mul(a!, a!), a!), () => [normal(3)]],
];

describe('gradcheck of every core op', () => {
  for (const [name, fn, inputs] of cases) {
    it(name, () => {
      expect(gradcheck(fn, inputs())).toBe(true);
    });
  }
});
