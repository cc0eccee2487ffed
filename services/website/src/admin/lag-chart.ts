import type { EventLagMinute } from '@ttfd/shared';

export interface LagChartLabels {
  /** The chart's accessible title. */
  title: string;
  /** Under the time axis, e.g. "minutes ago". */
  minutesAgo: string;
  /** Shown instead of lines when no event was processed in the window. */
  noEvents: string;
}

const WIDTH = 720;
const HEIGHT = 260;
const LEFT = 64;
const RIGHT = 96;
const TOP = 16;
const BOTTOM = 44;
const SERIES = [
  { key: 'p50Seconds', name: 'p50', colour: '#1b7f3b' },
  { key: 'p95Seconds', name: 'p95', colour: '#b35c00' },
  { key: 'p99Seconds', name: 'p99', colour: '#b3261e' },
] as const;

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

/** Seconds as the axis shows them: ms below a second. */
export function formatLag(seconds: number): string {
  if (seconds === 0) return '0';
  if (seconds < 1) return `${Number((seconds * 1000).toPrecision(3))} ms`;
  return `${Number(seconds.toPrecision(3))} s`;
}

/**
 * The admin page's picture of event lag: p50, p95 and p99 per minute over the last
 * `minutes` (the newest at the right), one line each, broken where a minute had no events.
 * A self-contained SVG document fragment: no script, no external resource.
 */
export function drawLagChart(rows: EventLagMinute[], now: Date, minutes: number, labels: LagChartLabels): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const end = Math.floor(now.getTime() / 60_000) * 60_000;
  const start = end - (minutes - 1) * 60_000;
  const shown = rows.filter((r) => r.minute.getTime() >= start && r.minute.getTime() <= end);
  const top = niceCeiling(Math.max(0, ...shown.map((r) => r.p99Seconds)));
  const x = (t: number) => LEFT + (minutes <= 1 ? plotW : ((t - start) / ((minutes - 1) * 60_000)) * plotW);
  const y = (s: number) => TOP + plotH - (Math.min(s, top) / top) * plotH;
  const n = (v: number) => v.toFixed(1);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="lag-chart-title" class="lag-chart">`,
    `<title id="lag-chart-title">${escape(labels.title)}</title>`,
    `<rect x="${LEFT}" y="${TOP}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#767676"/>`,
  );
  for (let i = 0; i <= 4; i++) {
    const s = (top * i) / 4;
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotW}" y1="${n(y(s))}" y2="${n(y(s))}" stroke="#ddd"/>`,
      `<text x="${LEFT - 6}" y="${n(y(s) + 4)}" text-anchor="end" font-size="12" fill="#222">${escape(formatLag(s))}</text>`,
    );
  }
  const step = minutes >= 60 ? 15 : minutes >= 20 ? 5 : 1;
  for (let ago = minutes - 1 - ((minutes - 1) % step); ago >= 0; ago -= step) {
    const t = end - ago * 60_000;
    parts.push(
      `<text x="${n(x(t))}" y="${TOP + plotH + 16}" text-anchor="middle" font-size="12" fill="#222">${ago === 0 ? '0' : `−${ago}`}</text>`,
    );
  }
  parts.push(
    `<text x="${LEFT + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle" font-size="12" fill="#222">${escape(labels.minutesAgo)}</text>`,
  );
  if (shown.length === 0) {
    parts.push(
      `<text x="${LEFT + plotW / 2}" y="${TOP + plotH / 2}" text-anchor="middle" font-size="14" fill="#222">${escape(labels.noEvents)}</text>`,
    );
  }
  SERIES.forEach((series, i) => {
    // Consecutive minutes are joined; a minute without events breaks the line.
    const runs: string[][] = [];
    let previous = Number.NaN;
    for (const r of shown) {
      const t = r.minute.getTime();
      const point = `${n(x(t))},${n(y(r[series.key]))}`;
      if (t - previous === 60_000) runs[runs.length - 1]!.push(point);
      else runs.push([point]);
      previous = t;
    }
    for (const run of runs) {
      if (run.length === 1) {
        const [px, py] = run[0]!.split(',');
        parts.push(`<circle cx="${px}" cy="${py}" r="2.5" fill="${series.colour}" class="lag-${series.name}"/>`);
      } else {
        parts.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${series.colour}" stroke-width="2" class="lag-${series.name}"/>`,
        );
      }
    }
    const ly = TOP + 12 + i * 20;
    parts.push(
      `<line x1="${LEFT + plotW + 12}" x2="${LEFT + plotW + 36}" y1="${ly}" y2="${ly}" stroke="${series.colour}" stroke-width="2"/>`,
      `<text x="${LEFT + plotW + 42}" y="${ly + 4}" font-size="12" fill="#222">${series.name}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
