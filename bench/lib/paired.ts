/**
 * Ours against a peer in alternating rounds: the disk's commit latency drifts over
 * minutes, so each round's pair is measured back to back and compared with itself; the
 * verdict is the median of those per-pair ratios, with their spread.
 */
export interface PairedRatio {
  /** Median of the per-round ratios (ours / peer); null when no round could be compared. */
  median: number | null;
  min: number | null;
  max: number | null;
  /** Every round's ratio, in round order. */
  rounds: (number | null)[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-round ratios ours / peer (a round with a missing or zero peer figure is not compared). */
export function pairedRatio(ours: (number | null)[], peer: (number | null)[]): PairedRatio {
  if (ours.length !== peer.length) throw new Error(`${ours.length} rounds of ours against ${peer.length} of the peer`);
  const rounds = ours.map((o, i) => {
    const p = peer[i];
    return o === null || p === null || p === undefined || p === 0 ? null : o / p;
  });
  const known = rounds.filter((r): r is number => r !== null);
  const m = median(known);
  return {
    median: m === null ? null : round2(m),
    min: known.length ? round2(Math.min(...known)) : null,
    max: known.length ? round2(Math.max(...known)) : null,
    rounds: rounds.map((r) => (r === null ? null : round2(r))),
  };
}

/** Who goes first alternates by round (ours, peer; peer, ours; ...) so a drift favours neither. */
export function inTurn<T>(round: number, pair: [T, T]): [T, T] {
  return round % 2 === 0 ? pair : [pair[1], pair[0]];
}
