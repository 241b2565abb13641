export { Variable } from './Variable.js';
export type { VariableOptions } from './Variable.js';
export { defineOp } from './defineOp.js';
export type { OpDefinition, OpArgs, OpResult, OpOutput } from './defineOp.js';
export { OpContext } from './OpContext.js';
export { noGrad, enableGrad, isGradEnabled, endStep } from './gradMode.js';
export type { BackwardOptions } from './engine.js';
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export type { Operand, Input } from './ops/operand.js';
export { lift, asVariable } from './ops/operand.js';
export {
  add, sub, mul, div, pow, neg, exp, log, sqrt, abs, relu, sigmoid, tanh, clamp,
  sum, mean, amax, amin, max, min, argmax, argmin, norm,
  reshape, flatten, squeeze, unsqueeze, permute, transpose, expand, narrow, slice, cat, stack, pad,
  softmax, logSoftmax, where, matmul, select, index, eq, ne, lt, le, gt, ge,
} from './ops/index.js';
export { freeActivation, freeAlong } from './freeActivation.js';
