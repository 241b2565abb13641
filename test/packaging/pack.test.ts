// Packs every publishable package with `pnpm pack`, installs all the tarballs with one plain
// `npm install` into a fresh project outside the repository, and uses them there as a user would:
// an ESM and a CommonJS program that train through `tapegrad`, the installed bin, a type-check of
// a consumer .ts file, and browser bundles of programs that import only the core packages (and the
// wasm backend).
// Whatever runs here runs on the Node that runs the test (process.execPath), so CI repeats it on
// every Node version it tests.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = new URL('../..', import.meta.url).pathname;
const consumerFiles = new URL('./consumer/', import.meta.url).pathname;
/** The publishable packages (directory names under packages/). */
const PACKAGES = ['tensor', 'autograd', 'nn', 'onnx', 'train', 'backend-wasm', 'tapegrad'];

const nodeDir = dirname(process.execPath);
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${nodeDir}:${process.env['PATH'] ?? ''}`, npm_config_update_notifier: 'false' };
delete env['TAPEGRAD_BACKEND'];
delete env['TAPEGRAD_THREADS'];
delete env['NODE_OPTIONS'];

function run(cmd: string, args: string[], cwd: string, extra: ExecFileSyncOptions = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000, ...extra }) as string;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

/** pnpm: the one running this test when there is one, else the version the repository pins. */
function pnpm(args: string[], cwd: string): string {
  const execPath = process.env['npm_execpath'];
  if (execPath !== undefined && /pnpm/.test(execPath)) {
    // pnpm 10 is a JavaScript file run by node; pnpm 12 a standalone executable.
    const script = /\.[cm]?js$/.test(execPath) || readFileSync(execPath).subarray(0, 2).toString() === '#!';
    return script ? run(process.execPath, [execPath, ...args], cwd) : run(execPath, args, cwd);
  }
  const pinned = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
  return run('npx', ['-y', pinned, ...args], cwd);
}

let work = '';
const tarballs: Record<string, string> = {};
let project = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'tapegrad-pack-'));
  const dest = join(work, 'tarballs');
  for (const pkg of PACKAGES) {
    const out = pnpm(['pack', '--pack-destination', dest], join(repo, 'packages', pkg));
    const file = out.trim().split('\n').map((l) => l.trim()).reverse().find((l) => l.endsWith('.tgz'));
    if (file === undefined) throw new Error(`pnpm pack in packages/${pkg} printed no tarball:\n${out}`);
    tarballs[pkg] = file.startsWith('/') ? file : join(dest, file);
  }
  project = join(work, 'project');
  run('mkdir', ['-p', project], work);
  const deps: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const name = pkg === 'tapegrad' ? 'tapegrad' : `@tapegrad/${pkg}`;
    deps[name] = `file:${tarballs[pkg]}`;
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  for (const f of readdirSync(consumerFiles)) copyFileSync(join(consumerFiles, f), join(project, f));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project);
}, 600_000);

afterAll(() => {
  if (work !== '' && process.env['TAPEGRAD_KEEP_PACK'] === undefined) rmSync(work, { recursive: true, force: true });
});

describe(`packed packages installed with npm outside the repository (Node ${process.version})`, () => {
  it('every tarball holds dist/ with types, a README and the LICENSE, and no workspace ranges', () => {
    const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
    const sizes: string[] = [];
    for (const pkg of PACKAGES) {
      const entries = run('tar', ['-tzf', tarballs[pkg]!], work).split('\n');
      for (const f of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js', 'package/dist/index.d.ts']) {
        expect(entries, `${pkg}: ${f}`).toContain(f);
      }
      expect(entries.filter((e) => /\.test\.|\/src\/|\/test\//.test(e)), `${pkg}: no sources or tests`).toEqual([]);
      const manifest = run('tar', ['-xzOf', tarballs[pkg]!, 'package/package.json'], work);
      expect(manifest, pkg).not.toContain('workspace:');
      const m = JSON.parse(manifest) as { engines?: { node?: string }; exports?: unknown; files?: string[] };
      expect(m.engines?.node, pkg).toBe('>=20');
      expect(m.exports, pkg).toBeDefined();
      expect(run('tar', ['-xzOf', tarballs[pkg]!, 'package/LICENSE'], work), pkg).toBe(license);
      sizes.push(`${pkg} ${(statSync(tarballs[pkg]!).size / 1024).toFixed(1)} KiB`);
    }
    expect(entriesOf('backend-wasm')).toContain('package/dist/wasm/kernels.wasm');
    console.log(`tarballs: ${sizes.join(', ')}`);
  });

  it('an ESM program trains a small CNN through tapegrad on the wasm backend with one thread per core', () => {
    const r = JSON.parse(run(process.execPath, ['train.mjs'], project)) as { backend: string; threads: number; cores: number; losses: number[] };
    expect(r.backend).toBe('wasm');
    expect(r.threads).toBe(Math.min(availableParallelism(), 64));
    expect(r.cores).toBe(availableParallelism());
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
  });

  it('require("tapegrad") from CommonJS does the same', () => {
    const r = JSON.parse(run(process.execPath, ['train.cjs'], project)) as { backend: string; threads: number; losses: number[] };
    expect(r.backend).toBe('wasm');
    expect(r.threads).toBe(Math.min(availableParallelism(), 64));
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
  });

  it('the installed bin trains for an epoch on a subset and writes a checkpoint', () => {
    const out = run(join(project, 'node_modules', '.bin', 'tapegrad'), ['train', '--epochs', '1', '--subset', '64', '--out', 'run', '--progress', 'none'], project);
    expect(out).toMatch(/backend wasm \(\d+ threads?\)/);
    expect(out).toMatch(/test accuracy: \d+\.\d+%/);
    expect(existsSync(join(project, 'run', 'checkpoint.safetensors'))).toBe(true);
  });

  it('a consumer .ts file type-checks against the published .d.ts with tsc --module nodenext --strict', () => {
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--noEmit', '--skipLibCheck', 'false', 'consumer.ts'], project);
  });

  for (const [file, what, backend] of [['browser.mjs', 'the core packages', 'cpu'], ['browser-wasm.mjs', 'the core packages and the wasm backend', 'wasm']] as const) {
    it(`a program importing ${what} bundles for the browser with plain esbuild, and the bundle runs`, () => {
      const esbuild = join(repo, 'node_modules', '.bin', 'esbuild');
      const base = file.replace('.mjs', '');
      run(esbuild, [file, '--bundle', '--platform=browser', '--format=esm', `--outfile=${base}.bundle.mjs`, '--log-level=warning'], project);
      run(esbuild, [file, '--bundle', '--platform=browser', '--format=esm', '--minify', `--outfile=${base}.min.mjs`, '--log-level=warning'], project);
      const min = readFileSync(join(project, `${base}.min.mjs`));
      // No import of a Node module (a name like 'node:os' handed to process.getBuiltinModule is fine).
      expect(min.toString('utf8')).not.toMatch(/(?:from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
      // The bundle is self-contained (the kernels are embedded): running it checks that nothing is missing.
      const r = JSON.parse(run(process.execPath, [`${base}.min.mjs`], project)) as { backend: string; loss: number };
      expect(r.backend).toBe(backend);
      expect(Number.isFinite(r.loss)).toBe(true);
      console.log(`${what}, browser bundle: ${(statSync(join(project, `${base}.bundle.mjs`)).size / 1024).toFixed(1)} KiB, minified ${(min.length / 1024).toFixed(1)} KiB, gzipped ${(gzipSync(min).length / 1024).toFixed(1)} KiB`);
    });
  }
});

function entriesOf(pkg: string): string[] {
  return run('tar', ['-tzf', tarballs[pkg]!], work).split('\n');
}
