import { create } from '@bufbuild/protobuf';
import { AttributeProtoSchema, AttributeProto_AttributeType as T, type AttributeProto } from '../proto/onnx_pb.js';
import type { OnnxAttribute } from '../OnnxExportContext.js';
import { utf8 } from './utf8.js';

function int(op: string, name: string, v: number): bigint {
  if (!Number.isInteger(v)) {
    throw new Error(`attribute ${name} ${v} of ${op} is not an integer; expected an integer, or { float: ${v} } for a float attribute`);
  }
  return BigInt(v);
}

/** One attribute as an AttributeProto: integers as INT/INTS, `{ float }` / `{ floats }` as FLOAT/FLOATS, strings as STRING. */
export function toAttributeProto(op: string, name: string, v: OnnxAttribute): AttributeProto {
  if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: T.INT, i: int(op, name, v) });
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: utf8(v) });
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: (v as readonly number[]).map((e) => int(op, name, e)) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: v.float });
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: [...v.floats] });
  throw new Error(`attribute ${name} of ${op} is ${JSON.stringify(v)}; expected an integer, integers, a string, { float } or { floats }`);
}
