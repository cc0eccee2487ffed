import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createLogger,
  createProgressionMetrics,
  createRegistry,
  startOpsServer,
  type Logger,
  type Queryable,
  type Registry,
} from '@ttfd/shared';
import { repoRoot } from './tools';

export interface Scrape {
  service: string;
  /** The exposition text served at /metrics. */
  text: string;
  /** Metric family name → type, from the `# TYPE` lines. */
  families: Map<string, string>;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** What a service's metric factories may need: `create…Metrics(registry, db, log)`. */
export interface MetricsDeps {
  db: Queryable;
  log: Logger;
}

/**
 * Registers what a service's /metrics serves: the shared registry (process_*, nodejs_*), every
 * `create…Metrics(registry, db, log)` its src/metrics.ts exports, and the shared progression
 * metrics when the service wires them (it awards XP).
 */
async function registerServiceMetrics(service: string, registry: Registry, deps: MetricsDeps): Promise<void> {
  const dir = path.join(repoRoot, 'services', service, 'src');
  const module = (await import(path.join(dir, 'metrics.ts'))) as Record<string, unknown>;
  const factories = Object.entries(module).filter(
    ([name, value]) => /^create\w*Metrics$/.test(name) && typeof value === 'function',
  );
  if (factories.length === 0) throw new Error(`services/${service}/src/metrics.ts exports no create…Metrics(registry)`);
  for (const [, factory] of factories) {
    (factory as (registry: Registry, db: Queryable, log: Logger) => unknown)(registry, deps.db, deps.log);
  }
  if (sources(dir).some((file) => readFileSync(file, 'utf8').includes('createProgressionMetrics('))) {
    createProgressionMetrics(registry);
  }
}

export function parseFamilies(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

/** The services under services/ that serve metrics (have src/metrics.ts). */
export const servicesWithMetrics = () =>
  readdirSync(path.join(repoRoot, 'services')).filter((name) =>
    existsSync(path.join(repoRoot, 'services', name, 'src/metrics.ts')),
  );

/** Starts the service's real ops server with its metrics on a free port and GETs /metrics. */
export async function scrape(service: string, db: Queryable): Promise<Scrape> {
  const registry = createRegistry(service);
  const log = createLogger(service, 'silent');
  await registerServiceMetrics(service, registry, { db, log });
  const server = await startOpsServer({ port: 0, host: '127.0.0.1', registry, log, ready: async () => {} });
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics of ${service}: ${response.status}`);
    const text = await response.text();
    return { service, text, families: parseFamilies(text) };
  } finally {
    await server.close();
  }
}

const promqlWords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/** The metric names a PromQL expression selects. */
export function metricsOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const before = stripped[m.index - 1] ?? ' ';
    const after = stripped.slice(m.index + m[0].length).trimStart()[0] ?? '';
    // Skip function names, parts of numbers and words of the language.
    if (/[\w$.]/.test(before) || after === '(' || promqlWords.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return [...new Set(names)];
}

/** A series name → its family (histogram _bucket/_sum/_count belong to the histogram). */
export function familyOf(name: string, families: Map<string, string>): string {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && ['histogram', 'summary'].includes(families.get(base) ?? '') ? base : name;
}
