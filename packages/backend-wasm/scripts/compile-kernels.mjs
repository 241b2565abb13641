// Compiles assembly/index.ts for each target of asconfig.json (plain SIMD and relaxed SIMD), the
// targets in parallel (one asc process each: about 4 s apiece, most of the package's prepare time).
// Run by the package's prepare and build:wasm scripts, before embed-kernels.mjs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = createRequire(import.meta.url).resolve('assemblyscript/package.json');
const asc = join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin.asc);
const targets = Object.keys(JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8')).targets);

/** Runs asc for `target`; resolves with its exit code and what it printed. */
function compile(target) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], { cwd: root });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (e) => resolve({ target, code: 1, output: `${output}${e.message}\n` }));
    child.on('close', (code) => resolve({ target, code: code ?? 1, output }));
  });
}

const results = await Promise.all(targets.map(compile));
for (const r of results) if (r.output !== '') process.stdout.write(r.output);
const failed = results.filter((r) => r.code !== 0).map((r) => r.target);
if (failed.length > 0) {
  console.error(`compile-kernels: asc failed for target${failed.length > 1 ? 's' : ''} ${failed.join(', ')} (its output is above)`);
  process.exit(1);
}
