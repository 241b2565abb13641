import * as ag from '@tapegrad/autograd';
import type { Variable, Input } from '@tapegrad/autograd';

/** (*) -> (*): max(x, 0) */
export function relu(x: Input): Variable { return ag.relu(x); }
/** (*) -> (*) */
export function sigmoid(x: Input): Variable { return ag.sigmoid(x); }
/** (*) -> (*) */
export function tanh(x: Input): Variable { return ag.tanh(x); }
/** (*) -> (*): softmax along `dim`. */
export function softmax(x: Input, dim: number): Variable { return ag.softmax(x, dim); }
/** (*) -> (*): log-softmax along `dim`. */
export function logSoftmax(x: Input, dim: number): Variable { return ag.logSoftmax(x, dim); }
