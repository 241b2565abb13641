import { fail } from '@tapegrad/tensor';

/** Loss modules take (input, target); Module's forward signature makes target optional, so check it here. */
export function expectTarget<T>(fn: string, target: T | undefined): T {
  if (target === undefined) fail(fn, 'target is missing; expected forward(input, target)');
  return target;
}
