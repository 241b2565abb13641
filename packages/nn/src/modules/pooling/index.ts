export { MaxPool2d } from './MaxPool2d.js';
export { AvgPool2d } from './AvgPool2d.js';
export { AdaptiveAvgPool2d } from './AdaptiveAvgPool2d.js';
export { AdaptiveMaxPool2d } from './AdaptiveMaxPool2d.js';
export { GlobalAvgPool2d } from './GlobalAvgPool2d.js';
export { GlobalMaxPool2d } from './GlobalMaxPool2d.js';
