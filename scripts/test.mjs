// Runs the test areas (test/projects/vitest.<area>.config.ts) one after the other and reports the
// seconds each took, then a closing line `tests: N passed, N failed[, N skipped]`.
//   node scripts/test.mjs [area ...]     (default: every area)
import { spawnSync } from 'node:child_process';
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
let passed = 0, failed = 0, skipped = 0, broken = false;
for (const area of areas) {
  const report = join(tmp, `${area}.json`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [vitest, 'run', '--project', area, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    cwd: root, stdio: 'inherit',
  });
  const seconds = (performance.now() - t0) / 1000;
  let counts = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, numTotalTests: 0 };
  try {
    counts = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    broken = true;
  }
  if (r.status !== 0) broken = true;
  passed += counts.numPassedTests;
  // An area that failed without a failed test (a setup hook threw, a file failed to load): its
  // tests that did not run count as failed, at least one.
  const unrun = r.status !== 0 && counts.numFailedTests === 0 ? Math.max(1, counts.numPendingTests) : 0;
  failed += counts.numFailedTests + unrun;
  skipped += unrun > 0 ? 0 : counts.numPendingTests + counts.numTodoTests;
  rows.push(`${area.padEnd(16)} ${seconds.toFixed(1).padStart(7)} s  ${String(counts.numPassedTests).padStart(5)} passed  ${counts.numFailedTests} failed${r.status !== 0 ? `  (exit ${r.status})` : ''}`);
}
rmSync(tmp, { recursive: true, force: true });
console.log(`\nTest areas on Node ${process.version}:`);
for (const row of rows) console.log(`  ${row}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
