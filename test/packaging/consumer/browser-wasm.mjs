// The core packages with the wasm backend on one thread (a browser's main thread cannot block on
// workers), bundled for the browser by esbuild; the test also runs the bundle in Node.
import { tensor, randn, manualSeed, getBackend } from '@tapegrad/tensor';
import { Variable } from '@tapegrad/autograd';
import { Conv2d, F, GlobalAvgPool2d, Sequential } from '@tapegrad/nn';
import { useWasmBackend } from '@tapegrad/backend-wasm';

useWasmBackend({ threads: 1 });
manualSeed(0);
const model = new Sequential(new Conv2d(1, 10, 3), new GlobalAvgPool2d());
const x = new Variable(randn([4, 1, 12, 12]));
const loss = F.crossEntropy(model.forward(x), tensor([0, 1, 2, 3]));
loss.backward();
console.log(JSON.stringify({ backend: getBackend().name, loss: loss.item() }));
