import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, TensorProto_DataType, type TensorProto } from '../proto/onnx_pb.js';

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Little-endian bytes of `values` (ONNX raw_data is little-endian whatever the host). */
function rawBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.byteLength);
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return bytes;
  }
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  else values.forEach((v, i) => view.setBigInt64(8 * i, v, true));
  return bytes;
}

/** A float32 initializer named `name` of `shape` holding `values` (row-major). */
export function floatTensor(name: string, shape: readonly number[], values: Float32Array): TensorProto {
  return create(TensorProtoSchema, { name, dims: shape.map(BigInt), dataType: TensorProto_DataType.FLOAT, rawData: rawBytes(values) });
}

/** A 1-D int64 initializer. */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  return create(TensorProtoSchema, {
    name, dims: [BigInt(values.length)], dataType: TensorProto_DataType.INT64, rawData: rawBytes(BigInt64Array.from(values, BigInt)),
  });
}
