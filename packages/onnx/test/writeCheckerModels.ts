// Writes every exported model of the tests (MODEL_CASES and LAYER_CASES, opset 17) to a folder,
// with manifest.json listing file, case name and op types, for scripts/fixtures/onnx_check.py:
//   TAPEGRAD_BACKEND=cpu pnpm exec tsx packages/onnx/test/writeCheckerModels.ts OUT_DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportOnnx } from '../src/index.js';
import { MODEL_CASES } from './modelCases.js';
import { LAYER_CASES } from './layerCases.js';
import { opTypes } from './decodeModel.js';

/** Every case the checker verdict covers, by name, with its exported bytes. */
export function checkerModels(): { name: string; bytes: Uint8Array }[] {
  return [
    ...MODEL_CASES.map((c) => ({ name: c.name, bytes: exportOnnx(c.build(), { inputShape: c.input().shape }) })),
    ...LAYER_CASES.map((c) => ({ name: c.name, bytes: exportOnnx(c.build(), { inputShape: c.shape }) })),
  ];
}

function main(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const manifest = checkerModels().map(({ name, bytes }, i) => {
    const file = `${String(i).padStart(3, '0')}.onnx`;
    writeFileSync(join(dir, file), bytes);
    return { file, name, opTypes: opTypes(bytes) };
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  console.log(`wrote ${manifest.length} models to ${dir}`);
}

if (process.argv[1]?.endsWith('writeCheckerModels.ts')) main(process.argv[2] ?? 'onnx-models');
