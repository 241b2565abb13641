import type { Epilogue } from '@tapegrad/tensor';
import { EPILOGUE_NONE, EPILOGUE_RELU } from './layout.js';

/** The int32 code of an epilogue, as the kernels of assembly/ take it (src/layout.ts). */
export function epilogueCode(epilogue: Epilogue): number {
  switch (epilogue) {
    case 'none': return EPILOGUE_NONE;
    case 'relu': return EPILOGUE_RELU;
  }
}
