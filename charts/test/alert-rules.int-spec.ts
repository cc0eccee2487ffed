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
      'TTFDDiscordRankRoleUnmanageable',
      'TTFDEventBacklogGrowing',
      'TTFDEventLagHigh',
      'TTFDServiceDown',
      'TTFDSyncWorkerStalled',
    ]);
  });

  it('passes promtool check rules', () => {
    const result = run(tool('promtool'), ['check', 'rules', rulesFile]);
    expect(result.stdout + result.stderr).toContain('SUCCESS: 6 rules found');
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
