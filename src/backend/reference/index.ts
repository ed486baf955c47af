/**
 * The reference backend: plain TypeScript loops, readable and slow. It is the oracle every faster
 * backend is tested against, and the only one that runs float64 (for finite-difference checks).
 */
import type { Kernels } from "../kernels.js";
import { biasActivation, biasActivationBackward, unary, unaryBackward } from "./activations.js";
import { adamw, sumSquares } from "./adamw.js";
import { attention, attentionBackward } from "./attention.js";
import { dropoutMask } from "./dropout-mask.js";
import { accumulate, affineScalar, broadcastBinary, sumAxis } from "./elementwise.js";
import { gather, scatterAdd } from "./embedding.js";
import { gemm } from "./gemm.js";
import { addLayerNorm, layerNorm, layerNormBackward } from "./layer-norm.js";
import { copyBlocks, permute } from "./layout.js";
import { bceWithLogits, bceWithLogitsBackward, crossEntropy, crossEntropyBackward } from "./losses.js";
import { gemmBf16, gemmInt8, packBf16, packInt8 } from "./low-precision.js";
import { logSoftmax, logSoftmaxBackward, softmax, softmaxBackward } from "./softmax.js";

export const referenceKernels: Kernels = {
  name: "reference",
  gemm,
  packB: () => null,
  packInt8,
  gemmInt8,
  packBf16,
  gemmBf16,
  broadcastBinary,
  affineScalar,
  accumulate,
  sumAxis,
  unary,
  unaryBackward,
  biasActivation,
  biasActivationBackward,
  softmax,
  softmaxBackward,
  logSoftmax,
  logSoftmaxBackward,
  layerNorm,
  layerNormBackward,
  addLayerNorm,
  gather,
  scatterAdd,
  crossEntropy,
  crossEntropyBackward,
  bceWithLogits,
  bceWithLogitsBackward,
  attention,
  attentionBackward,
  adamw,
  dropoutMask,
  sumSquares,
  permute,
  copyBlocks,
};
