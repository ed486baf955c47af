// Every binding the addon exports. Each takes positional arguments in the order of the TypeScript
// `NativeAddon` interface (src/backend/native/addon.ts); see the kernel's file for the layout.
#pragma once
#include "napi_args.h"

namespace bertkit {

void bindGemm(Args& a);
void bindPackedLength(Args& a);
void bindPackB(Args& a);
void bindBlasGemm(Args& a);
void bindBroadcastBinary(Args& a);
void bindAffineScalar(Args& a);
void bindAccumulate(Args& a);
void bindSumAxis(Args& a);
void bindUnary(Args& a);
void bindUnaryBackward(Args& a);
void bindBiasActivation(Args& a);
void bindBiasActivationBackward(Args& a);
void bindSoftmax(Args& a);
void bindSoftmaxBackward(Args& a);
void bindLogSoftmax(Args& a);
void bindLogSoftmaxBackward(Args& a);
void bindLayerNorm(Args& a);
void bindAddLayerNorm(Args& a);
void bindLayerNormBackward(Args& a);
void bindGather(Args& a);
void bindScatterAdd(Args& a);
void bindCrossEntropy(Args& a);
void bindCrossEntropyBackward(Args& a);
void bindBceWithLogits(Args& a);
void bindBceWithLogitsBackward(Args& a);
void bindAttention(Args& a);
void bindAttentionBackward(Args& a);
void bindAdamw(Args& a);
void bindDropoutMask(Args& a);
void bindSumSquares(Args& a);
void bindPermute(Args& a);
void bindCopyBlocks(Args& a);

}  // namespace bertkit
