/** Latency summary in ms; samples never observed count as +Infinity (reported as null). */
export function summarize(samples: number[], missing = 0) {
  const sorted = [...samples].sort((a, b) => a - b);
  for (let i = 0; i < missing; i++) sorted.push(Infinity);
  const at = (p: number) => {
    if (sorted.length === 0) return null;
    const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
    return Number.isFinite(v) ? Math.round(v * 100) / 100 : null;
  };
  return {
    n: sorted.length,
    missing,
    p50_ms: at(50),
    p95_ms: at(95),
    p99_ms: at(99),
    max_ms: at(100),
  };
}

/** Wall-clock ms with sub-ms resolution, comparable between processes on one machine. */
export const nowMs = () => performance.timeOrigin + performance.now();
