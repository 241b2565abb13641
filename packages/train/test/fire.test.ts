// SqueezeNet's Fire module (each convolution and its ReLU run as one op) against PyTorch 1.13's:
// output, input gradient and every parameter gradient for a random upstream gradient.
import { describe, it, expect } from 'vitest';
import { Variable } from '@tapegrad/autograd';
import { Fire } from '../src/index.js';
import { loadFixture, toTensor, expectClose, type EncodedTensor } from '../../../test-utils/fixtures.js';

interface FireCase {
  name: string;
  sizes: [number, number, number, number];
  params: Record<string, EncodedTensor>;
  x: EncodedTensor; out: EncodedTensor; g: EncodedTensor; gx: EncodedTensor;
  grads: Record<string, EncodedTensor>;
}

const fixture = loadFixture<FireCase>(new URL('./fixtures/fire.json', import.meta.url));

describe('Fire against PyTorch 1.13 fixtures', () => {
  it('records torch 1.13', () => expect(fixture.torch_version).toMatch(/^1\.13/));
  for (const c of fixture.cases) {
    it(c.name, () => {
      const m = new Fire(...c.sizes);
      m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, toTensor(v)])));
      const x = new Variable(toTensor(c.x), { requiresGrad: true });
      const y = m.forward(x);
      expectClose(y.data, c.out, { atol: 1e-4, label: 'output' });
      y.backward(toTensor(c.g));
      expectClose(x.grad!, c.gx, { atol: 1e-4, label: 'grad input' });
      for (const [name, p] of m.namedParameters()) expectClose(p.grad!, c.grads[name]!, { atol: 1e-4, label: `grad ${name}` });
    });
  }
});
