// Device acquisition: an adapter from the platform's candidates (#platform), a device with the
// adapter's own limits, and a description of both for test logs.
import { gpuCandidates, noAdapterHint } from '#platform';
import type { GpuCandidate } from './platform/types.js';

/** What adapterInfo() reports: enough to tell a real GPU from llvmpipe in a log line. */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** The candidate that gave the adapter: 'native' (the implementation's choice) or 'opengles'. */
  readonly backend: string;
  /** 'core' or 'compatibility' (WebGPU compatibility mode, as on OpenGL ES). */
  readonly featureLevel: string;
  /** The candidate's name, e.g. 'dawn opengles'. */
  readonly source: string;
}

export interface WebGpuDevice {
  readonly device: GPUDevice;
  readonly adapter: GPUAdapter;
  readonly info: AdapterDescription;
  /** The first uncaptured device error (a WGSL compile or validation error), or null. */
  readonly firstError: () => string | null;
  /** Destroys the device and drops the references that keep Dawn's threads (and Node) alive. */
  readonly destroy: () => void;
}

export interface AcquireOptions {
  /**
   * Which adapters to accept: 'any' (default) tries a real GPU first and falls back to the software
   * one (Dawn on OpenGL ES, llvmpipe); 'hardware' and 'software' take only the first or the second kind.
   * `TAPEGRAD_WEBGPU_ADAPTER` (any | hardware | software) sets the default.
   */
  readonly adapter?: 'any' | 'hardware' | 'software';
}

/** The limits copied from the adapter into requestDevice (compatibility defaults are much lower). */
const LIMITS = [
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage', 'maxStorageBufferBindingSize', 'maxBufferSize',
  'maxUniformBufferBindingSize', 'maxBindGroups', 'maxBindingsPerBindGroup',
] as const;

function requiredLimits(adapter: GPUAdapter): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of LIMITS) {
    const v = adapter.limits[name];
    if (typeof v === 'number') out[name] = v;
  }
  return out;
}

function adapterChoice(opts: AcquireOptions): 'any' | 'hardware' | 'software' {
  if (opts.adapter !== undefined) return opts.adapter;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['TAPEGRAD_WEBGPU_ADAPTER'];
  if (env === 'hardware' || env === 'software' || env === 'any') return env;
  return 'any';
}

/**
 * A device on the first adapter found: a real GPU, else (on Node) Dawn's OpenGL ES backend in
 * compatibility mode on Mesa's llvmpipe. Throws one line naming what was tried when none exists.
 */
export async function acquireDevice(opts: AcquireOptions = {}): Promise<WebGpuDevice> {
  const choice = adapterChoice(opts);
  let candidates;
  try {
    candidates = await gpuCandidates();
  } catch (e) {
    throw new Error(`backend-webgpu: no WebGPU implementation: ${firstLine(e)}`);
  }
  const tried: string[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const cand = candidates[c]!;
    const software = cand.backend === 'opengles';
    if ((choice === 'hardware' && software) || (choice === 'software' && !software)) continue;
    let adapter: GPUAdapter | null = null;
    let gpu: GPU;
    try {
      gpu = cand.gpu();
      adapter = await gpu.requestAdapter(cand.options);
    } catch (e) {
      tried.push(`${cand.name} (${firstLine(e)})`);
      continue;
    }
    if (adapter === null) { tried.push(`${cand.name} (no adapter)`); continue; }
    const device = await adapter.requestDevice({ requiredLimits: requiredLimits(adapter) });
    return wrap(gpu, adapter, device, cand);
  }
  const list = tried.length > 0 ? tried.join(', ') : 'nothing';
  throw new Error(`backend-webgpu: no WebGPU adapter (tried ${list}); ${noAdapterHint}`);
}

function firstLine(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.split('\n')[0]!.trim();
}

function wrap(gpu: GPU, adapter: GPUAdapter, device: GPUDevice, cand: GpuCandidate): WebGpuDevice {
  let first: string | null = null;
  device.addEventListener('uncapturederror', (ev) => {
    if (first === null) first = firstLine((ev as GPUUncapturedErrorEvent).error.message);
  });
  const a = adapter.info;
  const info: AdapterDescription = {
    vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description,
    backend: cand.backend, featureLevel: cand.options.featureLevel ?? 'core', source: cand.name,
  };
  // Dawn's instance lives (and keeps Node's event loop alive) while its GPU object is referenced.
  const hold: { gpu: GPU | null } = { gpu };
  return {
    device, adapter, info,
    firstError: () => first,
    destroy: () => { device.destroy(); hold.gpu = null; },
  };
}

/** One line for logs, e.g. "llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6; dawn opengles, compatibility)". */
export function adapterInfo(gpu: WebGpuDevice): string {
  const i = gpu.info;
  const name = [i.vendor, i.architecture, i.device].filter((s) => s !== '').join(' ');
  const desc = i.description === '' ? '' : `${i.description}; `;
  return `${name === '' ? 'unknown adapter' : name} (${desc}${i.source}, ${i.featureLevel})`;
}
