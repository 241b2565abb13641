import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from '../src/proto/onnx_pb.js';

/** The ModelProto of an exported file, read back with the same generated code. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return fromBinary(ModelProtoSchema, bytes);
}

/** The op types of the graph's nodes, in order. */
export function opTypes(bytes: Uint8Array): string[] {
  return decodeModel(bytes).graph!.node.map((n) => n.opType);
}
