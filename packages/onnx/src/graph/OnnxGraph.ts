import { create, toBinary } from '@bufbuild/protobuf';
import {
  GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, OperatorSetIdProtoSchema, TensorProto_DataType, TypeProtoSchema,
  ValueInfoProtoSchema, TensorShapeProtoSchema, TensorShapeProto_DimensionSchema, TypeProto_TensorSchema,
  type NodeProto, type TensorProto, type ValueInfoProto,
} from '../proto/onnx_pb.js';
import type { OnnxAttributes } from '../OnnxExportContext.js';
import { toAttributeProto } from './attributes.js';
import { floatTensor, int64Tensor } from './tensorProto.js';

/** ONNX IR version of each opset this package writes (onnx/helper.py's VERSION_TABLE). */
const IR_VERSION: Record<number, number> = { 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const OPSETS = Object.keys(IR_VERSION).map(Number);

/** A float32 graph input or output; `batch` names dim 0 symbolically (dynamic batch). */
function valueInfo(name: string, shape: readonly number[], batch: string | null): ValueInfoProto {
  const dim = shape.map((d, i) => create(TensorShapeProto_DimensionSchema, {
    value: i === 0 && batch !== null ? { case: 'dimParam', value: batch } : { case: 'dimValue', value: BigInt(d) },
  }));
  const tensorType = create(TypeProto_TensorSchema, { elemType: TensorProto_DataType.FLOAT, shape: create(TensorShapeProtoSchema, { dim }) });
  return create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
}

/**
 * The nodes and initializers of one graph, in the order they are added (a topological order, since
 * a node only reads values made before it), with unique value names.
 */
export class OnnxGraph {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly names = new Set<string>();

  /** `base`, or `base_2`, `base_3`, ... when taken. */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 2; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  /** Adds a node whose output is named `output` (already reserved with uniqueName). */
  addNode(opType: string, inputs: readonly string[], output: string, attributes: OnnxAttributes = {}): void {
    const attribute = Object.entries(attributes).map(([k, v]) => toAttributeProto(opType, k, v));
    this.nodes.push(create(NodeProtoSchema, { opType, input: [...inputs], output: [output], name: output, attribute }));
  }

  /**
   * Makes `value` the graph output `output`: renames it when the last node makes it and no node
   * reads it, else adds an Identity node (the model's output may be its input or a shared value).
   */
  nameOutput(value: string): void {
    const last = this.nodes[this.nodes.length - 1];
    if (last && last.output[0] === value && !this.nodes.some((n) => n.input.includes(value))) {
      last.output = ['output'];
      last.name = 'output';
      return;
    }
    this.addNode('Identity', [value], 'output');
  }

  addFloat(name: string, shape: readonly number[], values: Float32Array): void {
    this.initializers.push(floatTensor(name, shape, values));
  }

  addInt64(name: string, values: readonly number[]): void {
    this.initializers.push(int64Tensor(name, values));
  }

  /** The serialized ModelProto with graph input `input` and output `output`. */
  encode(o: { opset: number; inputShape: readonly number[]; outputShape: readonly number[]; dynamicBatch: boolean; graphName: string }): Uint8Array {
    const batch = o.dynamicBatch ? 'N' : null;
    const graph = create(GraphProtoSchema, {
      name: o.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: [valueInfo('input', o.inputShape, batch)],
      output: [valueInfo('output', o.outputShape, batch)],
    });
    const model = create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION[o.opset]!),
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(o.opset) })],
      producerName: 'tapegrad',
      producerVersion: '0.1.0',
      graph,
    });
    return toBinary(ModelProtoSchema, model);
  }
}
