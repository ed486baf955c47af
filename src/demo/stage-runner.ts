/**
 * Runs the demo's stages in order: prints each one's header ("2/6 Pre-training BERT…") before it starts and
 * records how long it took (also when it stops early), under a short name for the summary.
 */
export interface StageTitle {
  /** For the summary: "pre-training". */
  name: string;
  /** For the header: "Pre-training BERT from random weights: …". */
  title: string;
}

export class StageRunner {
  readonly times: { name: string; seconds: number }[] = [];
  private next = 0;

  constructor(
    private readonly titles: readonly StageTitle[],
    private readonly print: (line: string) => void,
  ) {}

  /** Runs the next stage. */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const stage = this.titles[this.next++];
    if (stage === undefined) throw new Error(`StageRunner: more stages run than the ${this.titles.length} titled`);
    this.print(`\n${this.next}/${this.titles.length} ${stage.title}…`);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.times.push({ name: stage.name, seconds: (performance.now() - t0) / 1000 });
    }
  }
}
