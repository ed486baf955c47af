/**
 * How every error message writes a tensor shape: "[2, 3, 4]". It lives in util/, the leaves every layer may import
 * (docs/architecture.md), because tensor/ and io/ both need it and neither may import the other.
 */

/** Dimensions written out; a longer shape (a hostile file's, say) ends in "..." and its rank. */
const SHOWN_DIMS = 8;

export function formatShape(shape: readonly number[]): string {
  if (shape.length <= SHOWN_DIMS) return `[${shape.join(", ")}]`;
  return `[${shape.slice(0, SHOWN_DIMS).join(", ")}, ... (${shape.length} dims)]`;
}
