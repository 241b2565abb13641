// A program that uses only the core packages, bundled for the browser by esbuild.
import { tensor, randn, manualSeed, getBackend } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Conv2d, F, GlobalAvgPool2d, Sequential } from '@tapegrad/nn';

manualSeed(0);
const model = new Sequential(new Conv2d(1, 10, 3), new GlobalAvgPool2d());
const x = new Variable(randn([4, 1, 12, 12]));
const loss = F.crossEntropy(model.forward(x), tensor([0, 1, 2, 3]));
loss.backward();
console.log(JSON.stringify({ backend: getBackend().name, loss: loss.item() }));
