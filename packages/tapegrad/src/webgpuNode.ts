// How the Node entry finds @tapegrad/backend-webgpu: from the working directory's project first (a
// project installs it beside `tapegrad`), then from `tapegrad`'s own place.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WebGpuModule } from './webgpu.js';

const PACKAGE = '@tapegrad/backend-webgpu';

export async function loadWebGpuNode(): Promise<WebGpuModule> {
  let path: string | null = null;
  for (const from of [join(process.cwd(), 'package.json'), import.meta.url]) {
    try {
      path = createRequire(from).resolve(PACKAGE);
      break;
    } catch {
      // not there; try the next place
    }
  }
  if (path === null) {
    throw new Error(`tapegrad: the WebGPU backend needs the package ${PACKAGE} and Dawn's bindings; install them beside tapegrad: npm install ${PACKAGE} webgpu@0.6.2`);
  }
  const mod = await import(pathToFileURL(path).href) as Partial<WebGpuModule>;
  if (typeof mod.useWebGpuBackend !== 'function') throw new Error(`tapegrad: ${path} has no useWebGpuBackend; expected ${PACKAGE} 0.1 or later`);
  return mod as WebGpuModule;
}
