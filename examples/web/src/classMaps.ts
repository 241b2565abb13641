// Class activation maps of a GAP classifier (nin-bn): everything before the global average pooling
// gives one map per class, (N, 10, 7, 7), and the logits are their means. The same computation as
// examples/cam.ts, for one image; imports only `tapegrad`, so cam.ts could share it.
import { F, GlobalAvgPool2d, Sequential, Variable, noGrad, type Tensor } from 'tapegrad';

export interface ClassMaps {
  /** (classes) logits: the maps' means. */
  logits: Float32Array;
  /** (classes, size, size) maps of the last conv block, before the pooling. */
  maps: Float32Array;
  classes: number;
  size: number;
  /** (classes, upSize, upSize) maps upsampled bilinearly (alignCorners false), as cam.ts draws them. */
  upsampled: Float32Array;
  upSize: number;
}

/** Every layer of `model` but its final GlobalAvgPool2d; throws for a model without a GAP head. */
export function gapTrunk(model: Sequential): Sequential {
  const last = model.layers.at(-1);
  if (!(last instanceof GlobalAvgPool2d)) throw new Error(`gapTrunk: the model's last layer is ${last?.constructor.name ?? 'missing'}; expected GlobalAvgPool2d (a GAP classifier such as nin-bn)`);
  return new Sequential(...model.layers.slice(0, -1));
}

/**
 * The class maps of one image `x` (1, 1, H, W), in eval mode and without the tape; the model's
 * training mode is restored afterwards. `trunk` is `gapTrunk(model)`.
 */
export function classActivationMaps(model: Sequential, trunk: Sequential, x: Tensor, upSize = x.shape[2]!): ClassMaps {
  if (x.shape[0] !== 1) throw new Error(`classActivationMaps: batch of ${x.shape[0]}; expected one image`);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const maps = trunk.forward(new Variable(x));
      const [, classes, size] = maps.shape as [number, number, number, number];
      const logits = F.globalAvgPool2d(maps).data.toArray();
      const upsampled = F.interpolate(maps, { size: upSize, mode: 'bilinear', alignCorners: false }).data.toArray();
      return { logits, maps: maps.data.toArray(), classes, size, upsampled, upSize };
    });
  } finally {
    model.train(wasTraining);
  }
}
