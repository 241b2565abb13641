// Runs the test areas (test/projects/vitest.<area>.config.ts) one after the other and reports the
// seconds each took, then a closing line `tests: N passed, N failed[, N skipped]`. An area that
// exits non-zero has what vitest said of it (its errors, else its last lines) printed again just
// above that table, so the end of a long log tells why.
//   node scripts/test.mjs [area ...]     (default: every area)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const all = readdirSync(join(root, 'test/projects'))
  .map((f) => /^vitest\.(.+)\.config\.ts$/.exec(f)?.[1])
  .filter((a) => a !== undefined)
  // The quick areas first, packaging last.
  .sort((a, b) => (a === 'packaging') - (b === 'packaging') || a.localeCompare(b));
const areas = process.argv.length > 2 ? process.argv.slice(2) : all;
for (const a of areas) {
  if (!all.includes(a)) {
    console.error(`scripts/test.mjs: no test area '${a}'; expected one of ${all.join(', ')}`);
    process.exit(2);
  }
}

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'tapegrad-test-'));
const rows = [];
const why = [];
let passed = 0, failed = 0, skipped = 0, broken = false;
for (const area of areas) {
  const report = join(tmp, `${area}.json`);
  const t0 = performance.now();
  const r = await run(process.execPath, [vitest, 'run', '--project', area, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const seconds = (performance.now() - t0) / 1000;
  let counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0 };
  try {
    counts = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    broken = true;
  }
  if (r.status !== 0) {
    broken = true;
    why.push(`--- ${area} exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}; what it said of that:`, ...excerpt(r.lines));
  }
  passed += counts.numPassedTests;
  // An area that failed without a failed test (a setup hook threw, a file failed to load): its
  // tests that did not run count as failed, at least one.
  const unrun = r.status !== 0 && counts.numFailedTests === 0 ? Math.max(1, counts.numPendingTests) : 0;
  failed += counts.numFailedTests + unrun;
  skipped += unrun > 0 ? 0 : counts.numPendingTests + counts.numTodoTests;
  rows.push(`${area.padEnd(16)} ${seconds.toFixed(1).padStart(7)} s  ${String(counts.numPassedTests).padStart(5)} passed  ${counts.numFailedTests} failed${r.status !== 0 ? `  (exit ${r.status})` : ''}`);
}
rmSync(tmp, { recursive: true, force: true });
if (why.length > 0) console.log(`\n${why.join('\n')}`);
console.log(`\nTest areas on Node ${process.version}:`);
for (const row of rows) console.log(`  ${row}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);

/** Runs a command with its output passed through as it comes, keeping its lines. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
    const lines = [];
    let partial = '';
    const keep = (chunk) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop();
      for (const line of parts) lines.push(line);
    };
    child.stdout.on('data', (chunk) => { process.stdout.write(chunk); keep(chunk); });
    child.stderr.on('data', (chunk) => { process.stderr.write(chunk); keep(chunk); });
    child.on('close', (status, signal) => {
      if (partial !== '') lines.push(partial);
      resolve({ status: status ?? 1, signal, lines });
    });
  });
}

/** vitest's error sections (failed tests, unhandled errors), else the last 40 lines. */
function excerpt(lines) {
  const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
  const start = plain.findIndex((l) => /⎯{3,} (Failed|Unhandled)/.test(l));
  const from = start >= 0 ? plain.slice(start) : plain.slice(-40);
  const out = from.filter((l) => !/^\s*(Test Files|Tests|Start at|Duration)\s/.test(l));
  return out.length > 120 ? [...out.slice(0, 120), `... (${out.length - 120} more lines above in the log)`] : out;
}
