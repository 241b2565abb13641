import { fail } from '@tapegrad/tensor';
import type { Transform } from './transforms.js';
import { randomHorizontalFlip } from './randomHorizontalFlip.js';
import { randomCrop } from './randomCrop.js';

/** One augmentation of a `--augment` list: a horizontal flip, or a random crop with padding. */
export type AugmentItem = { kind: 'flip' } | { kind: 'crop'; padding: number };

/** The items a list may hold, as an error message lists them. */
export const AUGMENT_ITEMS = "flip (random horizontal flip), cropN (random crop with N pixels of padding, N >= 1, e.g. crop4), or 'none' alone";

function parseItem(spec: string, item: string): AugmentItem {
  if (item === 'flip') return { kind: 'flip' };
  const crop = /^crop(\d+)$/.exec(item);
  if (crop && Number(crop[1]) >= 1 && Number.isSafeInteger(Number(crop[1]))) return { kind: 'crop', padding: Number(crop[1]) };
  return fail('parseAugment', `item '${item}' of '${spec}' is not an augmentation; expected a comma-separated list of ${AUGMENT_ITEMS}`);
}

/**
 * A list such as `flip,crop4` -> its items, in order. `none` or '' is the empty list; an unknown or
 * repeated item is an error naming it and listing the valid ones.
 */
export function parseAugment(spec: string): AugmentItem[] {
  if (typeof spec !== 'string') fail('parseAugment', `spec ${String(spec)} is not a string; expected a comma-separated list of ${AUGMENT_ITEMS}`);
  const s = spec.trim();
  if (s === '' || s === 'none') return [];
  const items: AugmentItem[] = [];
  for (const raw of s.split(',')) {
    const item = parseItem(spec, raw.trim());
    if (items.some((i) => i.kind === item.kind)) fail('parseAugment', `item '${raw.trim()}' of '${spec}' repeats a ${item.kind}; expected each augmentation at most once`);
    items.push(item);
  }
  return items;
}

/** The canonical text of `items`: `flip,crop4`, or `none`. */
export function formatAugment(items: readonly AugmentItem[]): string {
  return items.length === 0 ? 'none' : items.map((i) => (i.kind === 'flip' ? 'flip' : `crop${i.padding}`)).join(',');
}

export interface AugmentOptions {
  /** Value of the pixels a crop pads with: the normalised background, `(0 - mean) / std`. @default 0 */
  fill?: number;
}

/**
 * The batch transforms of an augmentation list (a spec such as `flip,crop4`, or parsed items), in
 * its order: `randomHorizontalFlip()` for flip, `randomCrop(N, { fill })` for cropN. Each works in
 * place on the loader's batch buffer and draws from the loader's generator.
 */
export function augmentTransforms(spec: string | readonly AugmentItem[], opts: AugmentOptions = {}): Transform[] {
  const items = typeof spec === 'string' ? parseAugment(spec) : spec;
  return items.map((i) => (i.kind === 'flip' ? randomHorizontalFlip() : randomCrop(i.padding, opts.fill === undefined ? {} : { fill: opts.fill })));
}
