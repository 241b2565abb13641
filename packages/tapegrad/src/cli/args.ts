import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command-line mistake: printed with a hint, exit code 2. */
export class UsageError extends Error {}

type OptionSpec = { type: 'string' | 'boolean'; help: string; value?: string; default?: string };
export type Spec = Record<string, OptionSpec>;

/** Parses `argv` against `spec` (long flags only); unknown flags and missing values are UsageErrors. */
export function parseFlags(command: string, argv: readonly string[], spec: Spec): Record<string, string | boolean | undefined> {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(spec)) options[name] = { type: o.type };
  // `--lr -1` would read as two flags: keep a negative number with its flag so it is validated as a value
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (spec[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) { args.push(`${a}=${next}`); i++; } else args.push(a);
  }
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`tapegrad ${command}: unexpected argument '${positionals[0]}'; flags take the form --name value (see tapegrad ${command} --help)`);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/s, '').replace(/^Unknown option/, 'unknown flag').replace(/\.$/, '');
    throw new UsageError(`tapegrad ${command}: ${msg}; see tapegrad ${command} --help`);
  }
}

/** The --help text of a command: usage line, description, one line per flag with its default. */
export function helpText(command: string, summary: string, spec: Spec): string {
  const rows = Object.entries(spec).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(28)} ${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`;
  });
  return `Usage: tapegrad ${command} [flags]\n\n${summary}\n\nFlags:\n${rows.join('\n')}\n`;
}

export function positiveInt(command: string, flag: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < 1) throw new UsageError(`tapegrad ${command}: --${flag} ${String(v)} must be a positive integer`);
  return n;
}

export function nonNegativeInt(command: string, flag: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`tapegrad ${command}: --${flag} ${String(v)} must be a non-negative integer`);
  return n;
}

export function positiveNumber(command: string, flag: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`tapegrad ${command}: --${flag} ${String(v)} must be a positive number`);
  return n;
}

export function nonNegativeNumber(command: string, flag: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`tapegrad ${command}: --${flag} ${String(v)} must be a non-negative number`);
  return n;
}

export function oneOf<T extends string>(command: string, flag: string, v: string | boolean | undefined, choices: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new UsageError(`tapegrad ${command}: --${flag} '${String(v)}' is not one of ${choices.join(', ')}`);
  }
  return v as T;
}
