// docs/guide.md's `ts` code blocks, in order, are one program: this test takes them out of the page
// and runs them, so the guide stays correct.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('docs/guide.md', () => {
  it('its code type-checks and runs: trains, evaluates, saves and reloads, gradchecks the custom op', () => {
    const page = readFileSync(`${here}../docs/guide.md`, 'utf8');
    const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    // A file beside the examples, so `tapegrad` resolves as it does for them.
    const file = `${here}.guide-program.ts`;
    writeFileSync(file, blocks.join('\n'));
    let out: string;
    try {
      const env = { ...process.env };
      delete env['TAPEGRAD_BACKEND'];
      // Type-checked as a user's strict TypeScript, then run.
      const tsc = `${here}../node_modules/typescript/bin/tsc`;
      execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', file], { cwd: here, encoding: 'utf8' });
      out = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: here, env, encoding: 'utf8', timeout: 120_000 });
    } finally {
      rmSync(file, { force: true });
    }
    expect(out).toContain('Sequential(');
    const accuracies = [...out.matchAll(/^epoch (\d): test loss ([\d.]+), accuracy ([\d.]+) %$/gm)].map((m) => Number(m[3]));
    expect(accuracies).toHaveLength(3);
    // 2,000 training images, 3 epochs: 93 % when written; chance is 10 %.
    expect(accuracies[2]!).toBeGreaterThan(80);
    expect(out).toContain('restored accuracy true');
    expect(out).toContain('gradcheck true');
    expect(out).toMatch(/^\[ 1, 2 \]$/m);
    expect(out).toMatch(/^wasm \d+$/m);
  }, 180_000);
});
