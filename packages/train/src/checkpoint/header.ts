import { fail } from '@tapegrad/tensor';
import { crc32 } from './crc32.js';

export const CHECKPOINT_FORMAT = 'tapegrad-checkpoint';
/** 2: the header carries `header_crc32`. Version 1 (before) checked only the tensor data; it still loads. */
export const CHECKPOINT_VERSION = 2;

/**
 * Every version-2 header begins with exactly these bytes, so the 8 hex digits of its checksum sit
 * at a fixed offset (8 + HEAD.length) and the reader finds them before it trusts anything else.
 */
const HEAD_TEXT = '{"__metadata__":{"header_crc32":"';
const HEAD = ascii(HEAD_TEXT);
const DIGITS = 8;
const AT = 8 + HEAD.length;
const ZEROS_TEXT = '0'.repeat(DIGITS);
const ZEROS = ascii(ZEROS_TEXT);

/** The bytes of an ASCII string. */
function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Bytes [begin, end) of `bytes` read as latin1 (one character per byte). */
function latin1(bytes: Uint8Array, begin: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(begin, end));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function hex8(n: number): string {
  return n.toString(16).padStart(DIGITS, '0');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** CRC-32 of the length prefix and the header (`prefix` = the file's first 8 + N bytes), its own digits read as `00000000`. */
function headerCrc(prefix: Uint8Array): string {
  return hex8(crc32(prefix.subarray(AT + DIGITS), crc32(ZEROS, crc32(prefix.subarray(0, AT)))));
}

/**
 * The first 8 + N bytes of a version-2 file: N (u64 LE), then the JSON header with `__metadata__`
 * first (`header_crc32` first inside it, then `metadata`), then the tensor entries in order, padded
 * with spaces to a multiple of 8. The object is written by hand: JSON.stringify of an object would
 * put integer-like keys (a tensor named `0`) before `__metadata__`.
 */
export function encodeHeader(metadata: Record<string, string>, entries: readonly [string, unknown][]): Uint8Array {
  const meta = JSON.stringify({ header_crc32: ZEROS_TEXT, ...metadata });
  const parts = entries.map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const json = new TextEncoder().encode(`{"__metadata__":${meta}${parts.join('')}}`);
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  if (!sameBytes(out.subarray(8, AT), HEAD)) fail('saveCheckpoint', `the header begins ${new TextDecoder().decode(out.subarray(8, AT))}; expected ${HEAD_TEXT} (a bug in saveCheckpoint)`);
  out.set(ascii(headerCrc(out)), AT);
  return out;
}

export interface Header {
  /** The parsed JSON header: `__metadata__` and the tensor entries. */
  header: Record<string, unknown>;
  meta: Record<string, unknown>;
  /** Where the tensor data starts: 8 + N. */
  start: number;
  version: 1 | 2;
}

/**
 * Reads and checks the length prefix and the header of a checkpoint. Version 2: any change to
 * those bytes (the length, the JSON, the padding, the stored checksum itself) is refused before
 * the JSON is parsed; a change to the fixed first bytes sends the file down the version-1 path,
 * which refuses it because its metadata says version 2. Version 1 has no header checksum.
 */
export function readHeader(file: Uint8Array, source: string, fn = 'loadCheckpoint'): Header {
  const bytes = file;
  if (bytes.length < 8) fail(fn, `${source} is truncated: ${bytes.length} bytes; expected at least an 8-byte header length`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(bytes.length - 8)) fail(fn, `${source} is truncated or not a checkpoint: header length ${n} exceeds the ${bytes.length - 8} bytes that follow`);
  const start = 8 + Number(n);
  const checked = start >= AT + DIGITS && sameBytes(bytes.subarray(8, AT), HEAD);
  if (checked) {
    const stored = latin1(bytes, AT, AT + DIGITS);
    const got = headerCrc(bytes.subarray(0, start));
    if (got !== stored) fail(fn, `${source} is corrupt: its header's checksum is ${got} but its header_crc32 is ${JSON.stringify(stored)}; expected them to match (the header changed after it was written)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(8, start)));
  } catch {
    return fail(fn, `${source} is corrupt: its header is not valid JSON; expected a safetensors header`);
  }
  if (!isPlainObject(header)) return fail(fn, `${source} is corrupt: its header is JSON ${Array.isArray(header) ? 'array' : String(header)}; expected a safetensors header object`);
  const meta = header['__metadata__'];
  if (!isPlainObject(meta) || meta['format'] !== CHECKPOINT_FORMAT) {
    const moved = Object.entries(header).find(([, v]) => isPlainObject(v) && v['format'] === CHECKPOINT_FORMAT);
    if (moved) fail(fn, `${source} is corrupt: its metadata is under the key ${JSON.stringify(moved[0])}; expected "__metadata__"`);
    fail(fn, `${source} is not a tapegrad checkpoint (no format '${CHECKPOINT_FORMAT}' in its metadata)`);
  }
  const version = meta['version'];
  if (checked && version === '2') return { header, meta, start, version: 2 };
  if (!checked && version === '1') return { header, meta, start, version: 1 };
  if (!checked && version === '2') fail(fn, `${source} is corrupt: format version 2 but its header does not begin with ${HEAD_TEXT}; expected the header checksum first`);
  const shown = typeof version === 'string' ? version : JSON.stringify(version) ?? 'none';
  return fail(fn, `${source} has format version ${shown}; expected ${checked ? '2' : '2, or 1 (written before tapegrad checked headers)'}`);
}
