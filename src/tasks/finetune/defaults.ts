/** `finetune()`'s defaults (Hugging Face Trainer's recipe), on their own so that `bertkit finetune --help` shows them without loading the trainer. */
export const FINETUNE_DEFAULTS = { epochs: 3, lr: 5e-5, batchSize: 32, warmupRatio: 0, weightDecay: 0.01, eps: 1e-8 } as const;
