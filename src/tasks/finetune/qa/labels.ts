/**
 * Training labels of a QA window, as Hugging Face's run_qa.py prepare_train_features: the answer's character
 * span [startChar, endChar) becomes the indices of its first and last token in the window. A window whose
 * context part does not contain the whole answer, and any window of an unanswerable question, points both at
 * [CLS] (index 0): "no answer here".
 * Unlike run_qa.py, the search stays inside the context tokens: run_qa.py walks on into [SEP] (offsets (0, 0))
 * when the answer starts in the window's last context token and labels the wrong token (its "edge case").
 */
import type { QaWindow } from "./windows.js";

/** Index of [CLS] in every window (the BERT template puts it first). */
export const CLS_INDEX = 0;

/** Token indices [start, end] (inclusive) of the answer in `window`, or [CLS, CLS] when it is not wholly there. */
export function answerTokenSpan(window: QaWindow, startChar: number, endChar: number): [number, number] {
  const { contextStart: first, contextEnd: stop } = window;
  const offsets = window.encoding.offsetsFlat;
  if (first >= stop) return [CLS_INDEX, CLS_INDEX];
  if (!(offsets[2 * first] <= startChar && offsets[2 * (stop - 1) + 1] >= endChar)) return [CLS_INDEX, CLS_INDEX];
  // The last token starting at or before the answer's start, and the first token ending at or after its end.
  let start = first;
  while (start + 1 < stop && offsets[2 * (start + 1)] <= startChar) start++;
  let end = stop - 1;
  while (end - 1 >= first && offsets[2 * (end - 1) + 1] >= endChar) end--;
  return [start, end];
}
