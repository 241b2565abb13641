// The split kernels' registration (src/exports.ts) against the compiled module: each registered
// kernel is exported by both builds and takes its registered arguments plus (part, parts), and the
// module exports nothing unregistered beyond the helpers the host types declare.
import { describe, expect, it } from 'vitest';
import { compileKernels, relaxedSimdAvailable, WasmMemory, type KernelBuild } from '../src/memory.js';
import { SPLIT_KERNELS, splitKernels } from '../src/exports.js';

const HELPERS = ['heapBase', 'gemmScratchBytes', 'packWeights', 'packedWeightBytes', 'convColsBytes', 'addInto', 'winogradWorkBytes'];
const builds: KernelBuild[] = relaxedSimdAvailable() ? ['plain', 'relaxed'] : ['plain'];

describe('the split kernels registered in src/exports.ts', () => {
  for (const build of builds) {
    it(`match the ${build} build's exports, argument for argument`, () => {
      const exports = new WasmMemory(compileKernels(build), 1).exports as unknown as Record<string, unknown>;
      for (const k of splitKernels) {
        const fn = exports[k];
        expect(typeof fn, k).toBe('function');
        // a WebAssembly export's length is its parameter count
        expect((fn as (...a: number[]) => void).length, k).toBe(SPLIT_KERNELS[k].args.length + 2);
      }
      const functions = Object.keys(exports).filter((name) => typeof exports[name] === 'function');
      expect(functions.sort()).toEqual([...splitKernels, ...HELPERS].sort());
    });
  }
});
