export {
  calculateGain, uniform_, normal_, constant_, zeros_, ones_, xavierUniform_, xavierNormal_, kaimingUniform_, kaimingNormal_,
} from './init.js';
export type { Nonlinearity, FanMode, RandomInitOptions, KaimingOptions } from './init.js';
export { fans } from './fan.js';
