export { Module } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear } from "./linear.js";
export { Embedding } from "./embedding.js";
export { LayerNorm } from "./layer-norm.js";
export { Dropout } from "./dropout.js";
export { manualSeed, defaultRng, defaultRngState, restoreDefaultRng } from "./random-state.js";
export { normal_, constant_ } from "./init.js";
