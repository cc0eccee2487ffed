import { drawLagChart, formatLag } from './lag-chart';

const labels = { title: 'Event lag, last hour', minutesAgo: 'minutes ago', noEvents: 'No events processed' };
const now = new Date('2026-12-02T15:30:20Z');
const minute = (ago: number) => new Date(Date.UTC(2026, 11, 2, 15, 30 - ago));
const row = (ago: number, p50: number, p95: number, p99: number) => ({
  minute: minute(ago),
  events: 10,
  p50Seconds: p50,
  p95Seconds: p95,
  p99Seconds: p99,
});

describe('the lag chart', () => {
  it('draws one line per percentile, scaled to the worst p99, newest at the right', () => {
    const svg = drawLagChart(
      [row(2, 0.01, 0.05, 0.08), row(1, 0.02, 0.06, 0.09), row(0, 0.01, 0.04, 0.07)],
      now,
      60,
      labels,
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<title id="lag-chart-title">Event lag, last hour</title>');
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"[^>]*class="lag-(p\d+)"/g)];
    expect(lines.map((m) => m[2])).toEqual(['p50', 'p95', 'p99']);
    const p99 = lines[2]![1]!.split(' ').map((p) => p.split(',').map(Number));
    // Three minutes, left to right, the last at the plot's right edge (x = 64 + 560).
    expect(p99.map(([x]) => x)).toEqual([...p99.map(([x]) => x!)].sort((a, b) => a - b));
    expect(p99[2]![0]).toBe(624);
    // The axis tops out at 100 ms (the next 1-2-5 step above 90 ms), so 90 ms is near the top.
    expect(svg).toContain('>100 ms<');
    expect(p99[1]![1]).toBeCloseTo(16 + 200 - 0.9 * 200, 0);
  });

  it('breaks a line where a minute had no events', () => {
    const svg = drawLagChart([row(10, 1, 2, 3), row(9, 1, 2, 3), row(5, 1, 2, 4), row(4, 1, 2, 4)], now, 60, labels);
    expect([...svg.matchAll(/<polyline[^>]*class="lag-p99"/g)]).toHaveLength(2);
  });

  it('says so when nothing was processed, and escapes its labels', () => {
    const svg = drawLagChart([], now, 60, { ...labels, noEvents: 'Nothing <yet>' });
    expect(svg).toContain('Nothing &lt;yet&gt;');
    expect(svg).not.toContain('<polyline');
  });

  it('writes lags as people read them', () => {
    expect(formatLag(0.0123)).toBe('12.3 ms');
    expect(formatLag(2.5)).toBe('2.5 s');
    expect(formatLag(0)).toBe('0');
  });
});
