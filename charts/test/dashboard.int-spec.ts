import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import type { Json } from './support/helm';
import { familyOf, metricsOf, parseFamilies, scrape, servicesWithMetrics, type Scrape } from './support/scrape';
import { chartDir, repoRoot, run, tool } from './support/tools';

const dashboard = JSON.parse(readFileSync(path.join(chartDir, 'dashboards/ttfd-overview.json'), 'utf8'));
const panels: Json[] = dashboard.panels.filter((p: Json) => p.type !== 'row');
const dashboardExprs: string[] = panels.flatMap((p) => p.targets.map((t: Json) => t.expr));
const ruleExprs: string[] = parse(readFileSync(path.join(chartDir, 'rules/ttfd.rules.yaml'), 'utf8'))
  .groups.flatMap((g: Json) => g.rules)
  .map((r: Json) => r.expr);

// The service that exports each platform metric. A metric of a service that has no
// services/<name>/src/metrics.ts yet is accepted until that file lands; from then on the service's
// /metrics must serve it.
const owners: Record<string, string> = {
  ttfd_event_lag_seconds: 'sync-worker',
  ttfd_events_processed_total: 'sync-worker',
  ttfd_events_pending: 'sync-worker',
  ttfd_events_oldest_pending_age_seconds: 'sync-worker',
  ttfd_events_dead: 'sync-worker',
  ttfd_sync_last_processed_timestamp_seconds: 'sync-worker',
  ttfd_driver_requests_total: 'sync-worker',
  ttfd_events_waiting_retry: 'sync-worker',
  ttfd_platform_credentials_refused: 'sync-worker',
  ttfd_telegram_updates_total: 'telegram',
  ttfd_telegram_command_duration_seconds: 'telegram',
  ttfd_telegram_webhook_registration_failing: 'telegram',
  ttfd_discord_gateway_connected: 'discord',
  ttfd_discord_events_total: 'discord',
  ttfd_discord_flush_lag_seconds: 'discord',
  // The website's contract (services/website, built beside this chart): a histogram by route,
  // method and status, logins by outcome, open live-update streams.
  ttfd_http_request_duration_seconds: 'website',
  ttfd_website_logins_total: 'website',
  ttfd_website_sse_streams: 'website',
  ttfd_xp_awarded_total: 'telegram',
};
// Series Prometheus itself adds to every scrape, and those of kube-state-metrics (part of the
// kube-prometheus-stack add-on, k8s/addons) that the alerts read for pods and Jobs.
const scrapeSeries = new Set([
  'up',
  'kube_deployment_spec_replicas',
  'kube_deployment_status_replicas_available',
  'kube_job_failed',
]);

const servesMetrics = (name: string) => existsSync(path.join(repoRoot, 'services', name, 'src/metrics.ts'));

/** What the expressions select that no service exports; empty when everything is exported. */
function unexported(exprs: string[], scrapes: Scrape[]): string[] {
  const exported = new Map(scrapes.flatMap((s) => [...s.families]));
  const known = new Map([...exported, ...Object.keys(owners).map((n) => [n, exported.get(n) ?? 'histogram'] as const)]);
  const problems = new Set<string>();
  for (const name of exprs.flatMap(metricsOf)) {
    const family = familyOf(name, known);
    if (exported.has(family) || scrapeSeries.has(family)) continue;
    const owner = owners[family];
    if (owner && !servesMetrics(owner)) continue;
    problems.add(owner ? `${name}: services/${owner} does not export ${family}` : `${name}: no service exports it`);
  }
  for (const s of scrapes) {
    for (const [family, owner] of Object.entries(owners)) {
      if (owner === s.service && !s.families.has(family)) problems.add(`services/${owner} does not export ${family}`);
    }
  }
  return [...problems];
}

describe('the Grafana dashboard and the alert rules against real /metrics scrapes', () => {
  let database: TestDatabase;
  let scrapes: Scrape[];
  beforeAll(async () => {
    // Gauges such as ttfd_events_pending are read from the database at scrape time.
    database = await createTestDatabase();
    scrapes = await Promise.all(servicesWithMetrics().map((service) => scrape(service, database.pool)));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('scrapes every service that serves metrics', () => {
    expect(scrapes.length).toBeGreaterThan(0);
    for (const s of scrapes) {
      expect(s.families.get('process_cpu_seconds_total')).toBe('counter');
      expect([...s.families.keys()].some((name) => name.startsWith('ttfd_'))).toBe(true);
    }
    const worker = scrapes.find((s) => s.service === 'sync-worker');
    if (worker) expect(worker.text).toMatch(/^ttfd_events_pending\{[^}]*\} 0$/m);
    expect(scrapes.map((s) => s.service).sort()).toEqual(
      expect.arrayContaining(['discord', 'sync-worker', 'telegram']),
    );
  });

  it('finds the metric names in PromQL', () => {
    expect(
      metricsOf(
        'histogram_quantile(0.99, sum by (le, event_type) (rate(ttfd_event_lag_seconds_bucket{job="x"}[5m]))) > 5',
      ),
    ).toEqual(['ttfd_event_lag_seconds_bucket']);
    expect(metricsOf('time() - max by (namespace) (a_seconds{job="w"}) > 120 and max(b) > 0')).toEqual([
      'a_seconds',
      'b',
    ]);
  });

  it('references only metrics the services export', () => {
    expect(unexported(dashboardExprs, scrapes)).toEqual([]);
  });

  it('alerts only on metrics the services export', () => {
    expect(unexported(ruleExprs, scrapes)).toEqual([]);
  });

  it('would catch a metric nobody exports, and a service that drops one of its metrics', () => {
    expect(unexported(['sum(rate(ttfd_made_up_total[5m]))'], scrapes)).toEqual([
      'ttfd_made_up_total: no service exports it',
    ]);
    // What the dashboard once charted: no service has ever exported it.
    expect(unexported(['sum by (route) (rate(ttfd_http_requests_total[5m]))'], scrapes)).toEqual([
      'ttfd_http_requests_total: no service exports it',
    ]);
    const telegram = scrapes.find((s) => s.service === 'telegram');
    if (telegram) {
      const families = new Map(telegram.families);
      families.delete('ttfd_telegram_updates_total');
      expect(unexported([], [{ ...telegram, families }])).toEqual([
        'services/telegram does not export ttfd_telegram_updates_total',
      ]);
    }
  });

  it('charts every platform metric: lag, backlog, throughput, dead letters, XP, HTTP and the bots', () => {
    const charted = new Set(dashboardExprs.flatMap(metricsOf).map((n) => n.replace(/_bucket$/, '')));
    expect([...Object.keys(owners)].filter((m) => !charted.has(m))).toEqual([]);
    const lag = panels.find((p) => p.title.startsWith('Event lag ('));
    expect(lag.targets.map((t: Json) => t.legendFormat)).toEqual(['p50', 'p95', 'p99']);
  });

  it('is a well-formed Grafana dashboard on a chosen Prometheus data source', () => {
    expect(dashboard.uid).toBe('ttfd-overview');
    const ids = dashboard.panels.map((p: Json) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dashboard.templating.list.map((v: Json) => v.name)).toEqual(['datasource', 'namespace']);
    for (const panel of panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.gridPos.w).toBeLessThanOrEqual(24);
      for (const target of panel.targets) expect(target.expr).toContain('namespace="$namespace"');
    }
  });

  it('serves ttfd_ metrics that pass promtool check metrics', () => {
    for (const s of scrapes) {
      const own = s.text
        .split(/(?=^# HELP )/m)
        .filter((block) => block.startsWith('# HELP ttfd_'))
        .join('');
      expect(parseFamilies(own).size).toBeGreaterThan(0);
      const result = run(tool('promtool'), ['check', 'metrics'], repoRoot, own);
      expect({ service: s.service, problems: (result.stdout + result.stderr).trim() }).toEqual({
        service: s.service,
        problems: '',
      });
      expect(result.status).toBe(0);
    }
  });
});
