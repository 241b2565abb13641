// Runs the test areas (test/projects/vitest.<area>.config.ts) one after the other and reports the
// seconds each took, then a closing line `tests: N passed, N failed[, N skipped]`. An area that
// exits non-zero has what vitest said of it (its errors, else its last lines) printed again just
// above that table, so the end of a long log tells why; one that exits non-zero although every test
// and suite in it passed is run once more, and its row says so.
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
  let a = await runArea(area);
  let note = '';
  if (a.status !== 0) {
    why.push(`--- ${area} exited with ${a.status}${a.signal ? ` (${a.signal})` : ''}; what it said of that:`, ...excerpt(a.lines));
    // Every test and suite passed, yet the process failed (an unhandled error outside the tests, a
    // test process that died after its file): run the area once more, and say so in its row.
    if (a.counts !== null && a.counts.numFailedTests === 0 && a.counts.numFailedTestSuites === 0 && a.counts.numPassedTests > 0) {
      const first = a.status, firstSeconds = a.seconds;
      console.log(`\nscripts/test.mjs: ${area} exited with ${first} with every test passed; running it once more`);
      a = await runArea(area);
      a.seconds += firstSeconds; // the row's time is both runs'
      note = a.status === 0 ? `  (exit ${first} with every test passed, then passed on a second run)` : `  (exit ${first}, then ${a.status} on a second run)`;
      if (a.status !== 0) why.push(`--- ${area}, second run, exited with ${a.status}; what it said of that:`, ...excerpt(a.lines));
    } else {
      note = `  (exit ${a.status})`;
    }
  }
  const counts = a.counts ?? { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0 };
  if (a.counts === null || a.status !== 0) broken = true;
  passed += counts.numPassedTests;
  // An area that failed without a failed test (a setup hook threw, a file failed to load): its
  // tests that did not run count as failed, at least one.
  const unrun = a.status !== 0 && counts.numFailedTests === 0 ? Math.max(1, counts.numPendingTests) : 0;
  failed += counts.numFailedTests + unrun;
  skipped += unrun > 0 ? 0 : counts.numPendingTests + counts.numTodoTests;
  rows.push(`${area.padEnd(16)} ${a.seconds.toFixed(1).padStart(7)} s  ${String(counts.numPassedTests).padStart(5)} passed  ${counts.numFailedTests} failed${note}`);
}
rmSync(tmp, { recursive: true, force: true });
if (why.length > 0) console.log(`\n${why.join('\n')}`);
console.log(`\nTest areas on Node ${process.version}:`);
for (const row of rows) console.log(`  ${row}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);

/** One vitest run of `area`: its exit, output lines, JSON report's counts (null if it wrote none) and seconds. */
async function runArea(area) {
  const report = join(tmp, `${area}.json`);
  rmSync(report, { force: true });
  const t0 = performance.now();
  const r = await run(process.execPath, [vitest, 'run', '--project', area, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  let counts = null;
  try {
    counts = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    // no report: the run broke before writing it
  }
  return { ...r, counts, seconds: (performance.now() - t0) / 1000 };
}

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
