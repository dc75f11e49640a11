/**
 * How well a risk score separates the clients who left from those who stayed: ROC AUC from a
 * histogram (the scores take few distinct values, so the data arrive grouped), and the
 * precision and recall of a "flagged" set (the high zone).
 */

/** Clients with one score value: how many left (positives) and how many stayed. */
export interface ScoreBin {
  value: number;
  left: number;
  stayed: number;
}

/**
 * The probability that a client who left scored higher than one who stayed, ties counting
 * half (the Mann–Whitney form of the area under the ROC curve). Null when either group is empty.
 */
export function aucOf(bins: readonly ScoreBin[]): number | null {
  const merged = new Map<number, ScoreBin>();
  for (const b of bins) {
    const m = merged.get(b.value);
    if (m) {
      m.left += b.left;
      m.stayed += b.stayed;
    } else merged.set(b.value, { ...b });
  }
  const sorted = [...merged.values()].sort((a, b) => a.value - b.value);
  let pos = 0;
  let neg = 0;
  let sum = 0;
  for (const b of sorted) {
    sum += b.left * (neg + b.stayed / 2);
    pos += b.left;
    neg += b.stayed;
  }
  return pos > 0 && neg > 0 ? sum / (pos * neg) : null;
}

export interface PrecisionRecall {
  flagged: number;
  flaggedLeft: number;
  left: number;
  /** Share of the flagged who left; null when nobody is flagged. */
  precision: number | null;
  /** Share of those who left that were flagged; null when nobody left. */
  recall: number | null;
}

export function precisionRecall(flagged: number, flaggedLeft: number, left: number): PrecisionRecall {
  return {
    flagged,
    flaggedLeft,
    left,
    precision: flagged > 0 ? flaggedLeft / flagged : null,
    recall: left > 0 ? flaggedLeft / left : null,
  };
}
