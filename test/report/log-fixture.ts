/** Training logs for the plot tests, shaped as the trainer writes them (src/train/train-log.ts). */

/** A log as the trainer writes it: a line per step, an evaluation line every `evalEvery` steps. */
export function logText(steps: number, o: { evalEvery?: number; accuracy?: boolean; lr?: boolean } = {}): string {
  const lines: string[] = [];
  for (let step = 1; step <= steps; step++) {
    const line: Record<string, number> = { step, loss: 10 - Math.log(step), mlm_loss: 9 - Math.log(step), nsp_loss: 0.7 };
    if (o.accuracy ?? true) line.masked_accuracy = step / (steps + 1);
    if (o.lr ?? true) line.lr = 1e-3 * Math.min(1, step / 10);
    Object.assign(line, { grad_norm: 1.5, tokens_per_s: 1234, epoch: step / steps });
    lines.push(JSON.stringify(line));
    if (o.evalEvery !== undefined && step % o.evalEvery === 0) {
      lines.push(JSON.stringify({ eval: true, step, loss: 10.5 - Math.log(step), mlm_loss: 9.6, masked_accuracy: step / (steps + 5) }));
    }
  }
  return lines.join("\n") + "\n";
}
