// implicitGemm: the tiled matrix-multiply skeleton the convolution kernels share, with operands
// that are never materialized. Shapes: C[GM, GN] = A[GM, GK] · B[GK, GN], one such product per
// `group` (workgroup z), where each kernel supplies WGSL that loads A[m, k] and B[k, col] straight
// from its buffers (the convolution's im2col view, computed on the fly) and stores C[m, col].
//
// Tiled as gemm.ts: 64 invocations per workgroup (within compatibility mode's 128) compute a TM x TN
// tile of C, each a RM x RN block in registers; A and B pass through workgroup memory in TM x TK and
// TK x TN slabs, zero outside [GM, GK] and [GK, GN]. Each invocation loads B for one fixed column
// (lid % TN), so the column's decomposition (batch, output row, ...) is computed once per kernel.
// Three tile shapes serve a small, a medium and a large GM (a depthwise convolution has GM = 1).
import type { KernelRunner, KernelSpec } from '../runner.js';
import { paramsDecl, pi } from '../wgsl.js';

/** A tile shape: wx * wy = 64 invocations, TM = wy * rm rows and TN = wx * rn columns (TN divides 64). */
export interface Tile {
  readonly wx: number;
  readonly wy: number;
  readonly rm: number;
  readonly rn: number;
}

const THREADS = 64;
const TK = 16;
/** 4 x 64, 16 x 64 and 32 x 32 tiles, by increasing GM. */
const TILES: readonly Tile[] = [
  { wx: 16, wy: 4, rm: 1, rn: 4 },
  { wx: 16, wy: 4, rm: 4, rn: 4 },
  { wx: 8, wy: 8, rm: 4, rn: 4 },
];

/** The smallest tile whose TM covers GM (the 32 x 32 one past 16 rows). */
export function pickTile(GM: number): Tile {
  for (const t of TILES) if (t.wy * t.rm >= GM) return t;
  return TILES[TILES.length - 1]!;
}

/**
 * The WGSL pieces of one implicit GEMM. Snippets run inside their own `{ }` and see the int
 * params through whatever `setup` declared, plus `GM`, `GN`, `GK` and `grp` (the group, i32).
 */
export interface ImplicitGemm {
  /** Names the kernel and all that its snippets bake in; the tile is appended. */
  readonly key: string;
  /** Int params the kernel uses, params.i[4] on (0..2 are GM, GN, GK). */
  readonly nInts: number;
  /** Storage bindings (from binding 1) and helper functions. */
  readonly decl: string;
  /** Statements at the top of main (e.g. `let H = ...;`). */
  readonly setup: string;
  /** Statements from `col` (i32, possibly >= GN) declaring what loadB needs of its column. */
  readonly colSetup: string;
  /** Statements setting `va` to A[m, k] (m < GM, k < GK). */
  readonly loadA: string;
  /** Statements setting `vb` to B[k, col] (k < GK, col < GN). */
  readonly loadB: string;
  /** Statements storing `v` as C[sm, sc] (sm < GM, sc < GN). */
  readonly store: string;
}

const specs = new Map<string, KernelSpec>();
function spec(g: ImplicitGemm, t: Tile): KernelSpec {
  const TM = t.wy * t.rm, TN = t.wx * t.rn;
  const key = `${g.key}:${TM}x${TN}`;
  let s = specs.get(key);
  if (s !== undefined) return s;
  let decl = '', body = '', store = '';
  for (let i = 0; i < t.rm; i++) for (let j = 0; j < t.rn; j++) decl += `  var c${i}_${j} = 0.0;\n`;
  body += `    for (var k = 0; k < ${TK}; k++) {\n`;
  for (let i = 0; i < t.rm; i++) body += `      let a${i} = As[(tr + ${i}) * ${TK} + k];\n`;
  for (let j = 0; j < t.rn; j++) body += `      let b${j} = Bs[k * ${TN} + tc + ${j}];\n`;
  for (let i = 0; i < t.rm; i++) for (let j = 0; j < t.rn; j++) body += `      c${i}_${j} += a${i} * b${j};\n`;
  body += '    }\n';
  for (let i = 0; i < t.rm; i++) {
    for (let j = 0; j < t.rn; j++) {
      store += `  { let sm = row0 + tr + ${i}; let sc = col0 + tc + ${j};\n    if (sm < GM && sc < GN) { let v = c${i}_${j};\n${g.store}\n    } }\n`;
    }
  }
  s = {
    key,
    wgsl: () => `${paramsDecl(0, 4 + g.nInts)}${g.decl}
var<workgroup> As: array<f32, ${TM * TK}>; // [m][k]
var<workgroup> Bs: array<f32, ${TK * TN}>; // [k][col]
@compute @workgroup_size(${t.wx}, ${t.wy})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let GM = ${pi(0)}; let GN = ${pi(1)}; let GK = ${pi(2)};
  let grp = i32(wid.z);
${g.setup}
  let row0 = i32(wid.y) * ${TM}; let col0 = i32(wid.x) * ${TN};
  let tr = i32(lid3.y) * ${t.rm}; let tc = i32(lid3.x) * ${t.rn};
  let bcol = i32(lid) % ${TN}; let brow = i32(lid) / ${TN};
  let col = col0 + bcol;
  let colOk = col < GN;
${g.colSetup}
${decl}  for (var k0 = 0; k0 < GK; k0 += ${TK}) {
    for (var e = i32(lid); e < ${TM * TK}; e += ${THREADS}) {
      let m = row0 + e / ${TK}; let k = k0 + e % ${TK};
      var va = 0.0;
      if (m < GM && k < GK) {
${g.loadA}
      }
      As[e] = va;
    }
    for (var kk = brow; kk < ${TK}; kk += ${THREADS / TN}) {
      let k = k0 + kk;
      var vb = 0.0;
      if (colOk && k < GK) {
${g.loadB}
      }
      Bs[kk * ${TN} + bcol] = vb;
    }
    workgroupBarrier();
${body}    workgroupBarrier();
  }
${store}}
`,
  };
  specs.set(key, s);
  return s;
}

/** The workgroups runImplicitGemm dispatches for a GM x GN product in `groups` groups. */
export function implicitGemmGroups(GM: number, GN: number, groups: number): number {
  const t = pickTile(GM);
  return Math.ceil(GN / (t.wx * t.rn)) * Math.ceil(GM / (t.wy * t.rm)) * groups;
}

/**
 * Dispatches C[GM, GN] = A · B over GK for each of `groups` groups; `ints` are the kernel's params
 * from params.i[4] on, `buffers` its storage bindings in order.
 */
export function runImplicitGemm(r: KernelRunner, g: ImplicitGemm, GM: number, GN: number, GK: number, groups: number,
  buffers: readonly GPUBuffer[], ints: readonly number[]): void {
  if (GM === 0 || GN === 0 || groups === 0) return;
  if (ints.length !== g.nInts) throw new Error(`backend-webgpu ${g.key}: ${ints.length} int params, expected ${g.nInts}`);
  const t = pickTile(GM);
  const gx = Math.ceil(GN / (t.wx * t.rn)), gy = Math.ceil(GM / (t.wy * t.rm));
  if (gx > r.maxGroups || gy > r.maxGroups || groups > r.maxGroups) {
    throw new Error(`backend-webgpu ${g.key}: a ${GM} x ${GN} product in ${groups} groups needs more than ${r.maxGroups} workgroups per dimension`);
  }
  r.run(spec(g, t), { buffers, ints: [GM, GN, GK, 0, ...ints], workgroups: [gx, gy, groups] });
}
