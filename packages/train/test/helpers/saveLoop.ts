// Child process for the checkpoint atomicity test: saves checkpoint 0, reports it, then keeps
// overwriting the same path with checkpoints 1, 2, ... until it is killed. Checkpoint k holds
// tensors filled with the value k, so a reader can tell a mix of two versions from a whole one.
import { Tensor } from '@tapegrad/tensor';
import { saveCheckpoint } from '../../src/index.js';

const path = process.argv[2]!;
const size = 2_000_000;
function make(k: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (let i = 0; i < 4; i++) out[`${i}.weight`] = new Tensor(new Float32Array(size).fill(k), [size]);
  return out;
}
saveCheckpoint(path, { model: make(0), epoch: 0 });
process.stdout.write('saved\n');
for (let k = 1; k < 1_000_000; k++) saveCheckpoint(path, { model: make(k), epoch: k });
