import { createModel, MODEL_NAMES, summarize } from '@tapegrad/train';
import { parseFlags, helpText, oneOf, type Spec } from './args.js';
import type { CliIO } from './io.js';

export const INFO_SPEC: Spec = {
  model: { type: 'string', value: 'NAME', help: `model: ${MODEL_NAMES.join(' | ')}`, default: 'nin-bn' },
  help: { type: 'boolean', help: 'show this help' },
};

/** `tapegrad info`: the layer table of a model with output shapes, parameters and multiply-adds. */
export function runInfo(argv: readonly string[], io: CliIO): void {
  const v = parseFlags('info', argv, INFO_SPEC);
  if (v['help']) {
    io.out(helpText('info', 'Prints a model\'s layers for one 1x28x28 image: output shape, parameters, multiply-adds.', INFO_SPEC));
    return;
  }
  const name = oneOf('info', 'model', v['model'], MODEL_NAMES, 'nin-bn');
  const s = summarize(createModel(name), [1, 28, 28]);
  const rows = s.layers.map((l) => [l.key, l.layer, `[${l.outputShape.join(', ')}]`, l.parameters.toLocaleString('en-US'), l.multiplyAdds.toLocaleString('en-US')]);
  const head = ['#', 'layer', 'output (N=1)', 'parameters', 'multiply-adds'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  io.out(`${name}: input [1, 1, 28, 28]`);
  io.out(line(head));
  io.out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) io.out(line(r));
  io.out(`total: ${s.parameters.toLocaleString('en-US')} parameters, ${s.multiplyAdds.toLocaleString('en-US')} multiply-adds per image (${(s.multiplyAdds / 1e6).toFixed(2)} M)`);
}
