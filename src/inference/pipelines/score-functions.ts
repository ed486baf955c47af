/** How the text-classification pipeline turns logits into scores, on its own so that the CLI lists the choices without loading the pipeline. */
export type ScoreFunction = "softmax" | "sigmoid" | "none";

export const SCORE_FUNCTIONS: readonly ScoreFunction[] = ["softmax", "sigmoid", "none"];
