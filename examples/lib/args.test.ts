import { describe, it, expect } from 'vitest';
import { parseExampleArgs } from './args.js';

describe('parseExampleArgs', () => {
  const defaults = { epochs: 1, out: 'runs/x' };
  it('reads the flags with or without the `--` that `pnpm run <script> -- ...` passes through', () => {
    expect(parseExampleArgs(['--epochs', '5', '--seed', '2'], defaults)).toMatchObject({ epochs: 5, seed: 2 });
    expect(parseExampleArgs(['--', '--epochs', '5', '--seed', '2'], defaults)).toMatchObject({ epochs: 5, seed: 2 });
  });
  it('refuses a bad value, naming the flag', () => {
    expect(() => parseExampleArgs(['--epochs', '0'], defaults)).toThrow('--epochs 0 is not an integer >= 1');
  });
});
