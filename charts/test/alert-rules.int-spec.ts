import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import type { Json } from './support/helm';
import { chartDir, repoRoot, run, tool } from './support/tools';

const rulesFile = path.join(chartDir, 'rules/ttfd.rules.yaml');
const testFile = path.join(__dirname, 'rules/ttfd.rules.test.yaml');
const rules: Json[] = parse(readFileSync(rulesFile, 'utf8')).groups.flatMap((g: Json) => g.rules);

/** Runs the promtool unit tests against a changed copy of the rule file. */
function testRulesWith(change: (text: string) => string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ttfd-rules-'));
  try {
    mkdirSync(path.join(dir, 'ttfd/rules'), { recursive: true });
    mkdirSync(path.join(dir, 'test/rules'), { recursive: true });
    writeFileSync(path.join(dir, 'ttfd/rules/ttfd.rules.yaml'), change(readFileSync(rulesFile, 'utf8')));
    copyFileSync(testFile, path.join(dir, 'test/rules/ttfd.rules.test.yaml'));
    return run(tool('promtool'), ['test', 'rules', 'test/rules/ttfd.rules.test.yaml'], dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('alert rules', () => {
  it('has the alerts the platform is watched by', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'TTFDDeadLetters',
      'TTFDDiscordGatewayDisconnected',
      'TTFDDiscordRankRoleUnmanageable',
      'TTFDEventBacklogGrowing',
      'TTFDEventLagHigh',
      'TTFDEventsWaitingLong',
      'TTFDMigrationFailed',
      'TTFDPlatformApiErrors',
      'TTFDPlatformTokenRefused',
      'TTFDServiceDown',
      'TTFDSyncWorkerStalled',
      'TTFDTelegramWebhookRefused',
      'TTFDWebsiteErrors',
    ]);
  });

  it('has a promtool case for every alert: it fires on its series and stays silent before', () => {
    const cases: Json[] = parse(readFileSync(testFile, 'utf8')).tests.flatMap((t: Json) => t.alert_rule_test);
    for (const rule of rules) {
      const own = cases.filter((c) => c.alertname === rule.alert);
      expect({ alert: rule.alert, fires: own.some((c) => c.exp_alerts.length > 0) }).toEqual({
        alert: rule.alert,
        fires: true,
      });
      expect({ alert: rule.alert, silent: own.some((c) => c.exp_alerts.length === 0) }).toEqual({
        alert: rule.alert,
        silent: true,
      });
    }
  });

  it('passes promtool check rules', () => {
    const result = run(tool('promtool'), ['check', 'rules', rulesFile]);
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(rules.length).toBe(13);
    expect(result.status).toBe(0);
  });

  it('passes promtool test rules: each alert fires on its series, after its `for`, and not on the others', () => {
    const result = run(tool('promtool'), ['test', 'rules', testFile]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('has unit tests that fail when a rule loses its threshold or its `for`', () => {
    const looser = testRulesWith((text) => text.replace(') > 5\n', ') > 50\n'));
    expect(looser.status).not.toBe(0);
    expect(looser.stdout + looser.stderr).toContain('TTFDEventLagHigh');
    const hasty = testRulesWith((text) => text.replace('        for: 10m\n', ''));
    expect(hasty.status).not.toBe(0);
    expect(hasty.stdout + hasty.stderr).toContain('TTFDEventBacklogGrowing');
    // The dead-letter alert of old, on the count rather than on new ones, fires on last week's.
    const stale = testRulesWith((text) =>
      text.replace(
        'sum by (namespace) (increase(ttfd_events_processed_total{job="ttfd-sync-worker",outcome="dead"}[10m])) > 0',
        'max by (namespace) (ttfd_events_dead{job="ttfd-sync-worker"}) > 0',
      ),
    );
    expect(stale.status).not.toBe(0);
    expect(stale.stdout + stale.stderr).toContain('TTFDDeadLetters');
    // A stall alert that counts events waiting out a backoff fires while a platform is merely down.
    const impatient = testRulesWith((text) => text.replace(' - ttfd_events_waiting_retry{job="ttfd-sync-worker"}', ''));
    expect(impatient.status).not.toBe(0);
    expect(impatient.stdout + impatient.stderr).toContain('TTFDSyncWorkerStalled');
  });

  it('gives every alert a severity, a summary, a description and a runbook section that exists', () => {
    const runbook = readFileSync(path.join(repoRoot, 'docs/runbook.md'), 'utf8');
    const anchors = [...runbook.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
      m[1]
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    );
    for (const rule of rules) {
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toEqual(expect.any(String));
      expect(rule.annotations.description).toEqual(expect.any(String));
      expect(rule.for).toMatch(/^\d+m$/);
      const url = new URL(rule.annotations.runbook_url);
      expect(url.pathname).toMatch(/\/docs\/runbook\.md$/);
      expect(anchors).toContain(url.hash.slice(1));
      expect(url.hash).toBe(`#${rule.alert.toLowerCase()}`);
    }
  });
});
