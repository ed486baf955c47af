/**
 * A prefix tree over UTF-16 code units, for WordPiece's longest-match lookups without building a substring per try.
 * Edges live in one open-addressing hash table keyed by (node, code unit): compact for 30k-token vocabularies and
 * one probe per character.
 */
export class PieceTrie {
  /** Token id ending at each node, or -1. */
  private valueOf = new Int32Array(1024).fill(-1);
  private nodeCount = 1; // node 0 is the root
  private edgeParent = new Int32Array(4096).fill(-1);
  private edgeUnit = new Uint16Array(4096);
  private edgeChild = new Int32Array(4096);
  private edgeCount = 0;
  private mask = 4095;

  static readonly ROOT = 0;

  insert(token: string, id: number): void {
    let node = PieceTrie.ROOT;
    for (let i = 0; i < token.length; i++) {
      const unit = token.charCodeAt(i);
      let child = this.child(node, unit);
      if (child < 0) child = this.addEdge(node, unit);
      node = child;
    }
    this.valueOf[node] = id;
  }

  /** The node reached from `node` by `unit`, or -1. */
  child(node: number, unit: number): number {
    let slot = hash(node, unit) & this.mask;
    for (;;) {
      const parent = this.edgeParent[slot];
      if (parent < 0) return -1;
      if (parent === node && this.edgeUnit[slot] === unit) return this.edgeChild[slot];
      slot = (slot + 1) & this.mask;
    }
  }

  /** The node reached by following `text` from the root, or -1. */
  walk(text: string): number {
    let node = PieceTrie.ROOT;
    for (let i = 0; i < text.length && node >= 0; i++) node = this.child(node, text.charCodeAt(i));
    return node;
  }

  /** Token id that ends at `node`, or -1. */
  value(node: number): number {
    return this.valueOf[node];
  }

  private addEdge(parent: number, unit: number): number {
    if ((this.edgeCount + 1) * 2 > this.mask + 1) this.growEdges();
    const node = this.nodeCount++;
    if (node >= this.valueOf.length) {
      const grown = new Int32Array(this.valueOf.length * 2).fill(-1);
      grown.set(this.valueOf);
      this.valueOf = grown;
    }
    this.placeEdge(parent, unit, node);
    this.edgeCount++;
    return node;
  }

  private placeEdge(parent: number, unit: number, child: number): void {
    let slot = hash(parent, unit) & this.mask;
    while (this.edgeParent[slot] >= 0) slot = (slot + 1) & this.mask;
    this.edgeParent[slot] = parent;
    this.edgeUnit[slot] = unit;
    this.edgeChild[slot] = child;
  }

  private growEdges(): void {
    const oldParent = this.edgeParent;
    const oldUnit = this.edgeUnit;
    const oldChild = this.edgeChild;
    const size = (this.mask + 1) * 2;
    this.edgeParent = new Int32Array(size).fill(-1);
    this.edgeUnit = new Uint16Array(size);
    this.edgeChild = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldParent.length; i++) {
      if (oldParent[i] >= 0) this.placeEdge(oldParent[i], oldUnit[i], oldChild[i]);
    }
  }
}

function hash(node: number, unit: number): number {
  // murmur3-style finalizer: spreads high bits into the low bits that the table mask keeps.
  let h = (Math.imul(node, 0x9e3779b1) + unit) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
