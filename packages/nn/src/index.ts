export { Module, toKey, declareForgetful } from './Module.js';
export type { LoadStateDictOptions } from './Module.js';
export { planFusion, FusedSequence, FusedConcat } from './fusion.js';
export type { FusionRole, FusedStep } from './fusion.js';
export { Parameter, Buffer } from './Parameter.js';
export * as F from './functional/index.js';
export * from './modules/index.js';
export type { CrossEntropyOptions, Reduction } from './functional/index.js';
export * as init from './init/index.js';
