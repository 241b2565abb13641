// The kernel runner: storage buffers in and out (upload, alloc, read), a pipeline cache keyed by
// kernel + specialization, a uniform of float and int parameters per dispatch, and dispatch.
//
// A kernel is WGSL text with this binding convention (group 0):
//   binding 0        the Params uniform (wgsl.ts paramsDecl: `params.f` floats, `params.i` ints)
//   binding 1, 2, .. the storage buffers, in the order passed to run()
// Every binding must be used by the shader (pipelines use `layout: 'auto'`, which drops unused ones).
// run() records one compute pass and submits it at once; read() copies through a staging buffer
// and maps it, so reading waits for every kernel submitted before it.
import type { WebGpuDevice } from './device.js';

/** GPUBufferUsage and GPUMapMode as numbers (Node has no such globals unless they are installed). */
export const BufferUsage = {
  MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80,
} as const;
const MAP_MODE_READ = 0x1;
const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/** A kernel specialization: `key` names the kernel and everything baked into its WGSL. */
export interface KernelSpec {
  /** e.g. 'unary:gelu' or 'binary:add:r3'; one pipeline is compiled per key. */
  readonly key: string;
  /** The WGSL source, generated on the first use of `key`. */
  readonly wgsl: () => string;
}

export interface DispatchArgs {
  /** Storage buffers for bindings 1, 2, ... in order. */
  readonly buffers: readonly GPUBuffer[];
  /** Float parameters (params.f); the same count on every call of one spec. */
  readonly floats?: readonly number[];
  /** Int parameters (params.i): geometry, offsets, strides. */
  readonly ints?: readonly number[];
  /** Workgroup counts (x, y, z); each at most maxComputeWorkgroupsPerDimension (see grid()). */
  readonly workgroups: readonly number[];
}

export class KernelRunner {
  readonly gpu: WebGpuDevice;
  readonly device: GPUDevice;
  /** maxComputeWorkgroupsPerDimension of the device (65535 on every adapter seen). */
  readonly maxGroups: number;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly lengths = new WeakMap<GPUBuffer, number>();

  constructor(gpu: WebGpuDevice) {
    this.gpu = gpu;
    this.device = gpu.device;
    this.maxGroups = gpu.device.limits.maxComputeWorkgroupsPerDimension;
  }

  /** A zero-filled storage buffer of `length` float32 (or int32) elements. */
  alloc(length: number): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.max(4, length * 4), usage: STORAGE_USAGE });
    this.lengths.set(buffer, length);
    return buffer;
  }

  /** A storage buffer holding a copy of `data` (float32 values, or int32 indices). */
  upload(data: Float32Array | Int32Array): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.max(4, data.byteLength), usage: STORAGE_USAGE, mappedAtCreation: true });
    const range = buffer.getMappedRange();
    if (data instanceof Int32Array) new Int32Array(range).set(data);
    else new Float32Array(range).set(data);
    buffer.unmap();
    this.lengths.set(buffer, data.length);
    return buffer;
  }

  /** Copies `length` floats of `src` from element `offset` to the start of `dst` (after the work submitted so far). */
  copyRange(src: GPUBuffer, offset: number, dst: GPUBuffer, length: number): void {
    if (length === 0) return;
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(src, offset * 4, dst, 0, length * 4);
    this.device.queue.submit([enc.finish()]);
  }

  /** The element count a buffer was made with (alloc/upload), else its size / 4. */
  length(buffer: GPUBuffer): number {
    return this.lengths.get(buffer) ?? buffer.size / 4;
  }

  /** Copies `length` elements (default: all) back to the host once every submitted kernel has run. */
  async read(buffer: GPUBuffer, length = this.length(buffer)): Promise<Float32Array> {
    return new Float32Array(await this.readBytes(buffer, length));
  }

  async readInt32(buffer: GPUBuffer, length = this.length(buffer)): Promise<Int32Array> {
    return new Int32Array(await this.readBytes(buffer, length));
  }

  private async readBytes(buffer: GPUBuffer, length: number): Promise<ArrayBuffer> {
    this.throwIfFailed();
    if (length === 0) return new ArrayBuffer(0);
    const size = length * 4;
    const staging = this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    const bytes = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    this.throwIfFailed();
    return bytes;
  }

  /** Throws the device's first uncaptured error (a WGSL compile error, a validation error). */
  throwIfFailed(): void {
    const e = this.gpu.firstError();
    if (e !== null) throw new Error(`backend-webgpu: device error: ${e}`);
  }

  /** The compiled pipeline of a spec (cached by key). */
  pipeline(spec: KernelSpec): GPUComputePipeline {
    let p = this.pipelines.get(spec.key);
    if (p === undefined) {
      const module = this.device.createShaderModule({ label: spec.key, code: spec.wgsl() });
      p = this.device.createComputePipeline({ label: spec.key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(spec.key, p);
    }
    return p;
  }

  /** Number of pipelines compiled so far (one per distinct spec key). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /** Runs one dispatch of `spec` (nothing when a workgroup count is 0). */
  run(spec: KernelSpec, args: DispatchArgs): void {
    const [x = 1, y = 1, z = 1] = args.workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const pipeline = this.pipeline(spec);
    const uniform = this.device.createBuffer({ size: paramsBytes(args.floats?.length ?? 0, args.ints?.length ?? 0), usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    this.device.queue.writeBuffer(uniform, 0, packParams(args.floats ?? [], args.ints ?? []));
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    args.buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(x, y, z);
    pass.end();
    this.device.queue.submit([enc.finish()]);
    uniform.destroy(); // freed once the submitted work is done
  }

  /**
   * A 2-D grid of `groups` workgroups within the per-dimension limit, for kernels whose WGSL
   * computes the flat workgroup number as wgFlat() (wgsl.ts) and returns past the end.
   */
  grid(groups: number): [number, number] {
    if (groups <= this.maxGroups) return [groups, 1];
    const y = Math.ceil(groups / this.maxGroups);
    return [Math.ceil(groups / y), y];
  }

  /** Destroys the device (every buffer with it). */
  destroy(): void {
    this.pipelines.clear();
    this.gpu.destroy();
  }
}

/** Bytes of the Params uniform: floats in whole vec4s, then ints in whole vec4s (at least one each). */
export function paramsBytes(nFloats: number, nInts: number): number {
  return 16 * (Math.max(1, Math.ceil(nFloats / 4)) + Math.max(1, Math.ceil(nInts / 4)));
}

function packParams(floats: readonly number[], ints: readonly number[]): ArrayBuffer {
  const bytes = new ArrayBuffer(paramsBytes(floats.length, ints.length));
  const fWords = 4 * Math.max(1, Math.ceil(floats.length / 4));
  new Float32Array(bytes, 0, fWords).set(floats);
  new Int32Array(bytes, fWords * 4).set(ints);
  return bytes;
}
