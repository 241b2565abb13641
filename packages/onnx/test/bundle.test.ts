// @tapegrad/onnx is platform-neutral and free of side effects: a browser bundle that imports
// exportOnnx but never calls it carries no protobuf code; one that calls it has no node:* import
// and runs.
import { describe, it, expect } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runInNewContext } from 'node:vm';

const resolveDir = fileURLToPath(new URL('.', import.meta.url));
/** The start of the serialized onnx.proto descriptor embedded in the generated code (a string literal minifying keeps). */
const PROTO_DESCRIPTOR = 'Cgpvbm54LnByb3Rv';

async function bundle(contents: string): Promise<string> {
  const r = await build({
    stdin: { contents, resolveDir, loader: 'ts' }, bundle: true, platform: 'browser', format: 'iife', minify: true, write: false, logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

describe('browser bundles', () => {
  it('importing exportOnnx without calling it leaves the protobuf code out', async () => {
    const code = await bundle(`
      import { Sequential, ReLU } from '@tapegrad/nn';
      import { exportOnnx } from '../src/index.js';
      void exportOnnx;
      (globalThis as { result?: string }).result = new Sequential(new ReLU()).toString();`);
    expect(code).not.toContain(PROTO_DESCRIPTOR);
  });

  it('calling exportOnnx bundles without node:* imports and runs', async () => {
    const code = await bundle(`
      import { Sequential, Conv2d, ReLU, MaxPool2d } from '@tapegrad/nn';
      import { exportOnnx } from '../src/index.js';
      const bytes = exportOnnx(new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2, { ceilMode: true })), { inputShape: [1, 1, 8, 8] });
      (globalThis as { result?: number }).result = bytes.length;`);
    expect(code).toContain(PROTO_DESCRIPTOR);
    expect(code).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
    // A browser's globals that the code uses: TextEncoder / TextDecoder (in @bufbuild/protobuf).
    const sandbox: { result?: number; TextEncoder: typeof TextEncoder; TextDecoder: typeof TextDecoder } = { TextEncoder, TextDecoder };
    runInNewContext(code, sandbox);
    expect(sandbox.result).toBeGreaterThan(100);
    console.log(`exportOnnx browser bundle with a small conv net: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`);
  });
});
