import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { find, parseManifests, render, type Json, type K8sObject } from './support/helm';
import { validateObjects } from './support/k8s-schema';
import { chartDir, repoRoot, run, tool } from './support/tools';

const k8sDir = path.join(repoRoot, 'k8s');

function kustomizations(dir: string): string[] {
  const here = existsSync(path.join(dir, 'kustomization.yaml')) ? [dir] : [];
  const children = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => kustomizations(path.join(dir, e.name)));
  return [...here, ...children];
}

const dirs = kustomizations(k8sDir);
const environments = readdirSync(path.join(k8sDir, 'overlays')).sort();
const built = new Map<string, K8sObject[]>();

function kustomize(dir: string): K8sObject[] {
  if (!built.has(dir)) {
    const result = run(tool('kubectl'), ['kustomize', dir]);
    if (result.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${result.stderr}`);
    built.set(dir, parseManifests(result.stdout));
  }
  return built.get(dir)!;
}

const chartValues = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));

describe('k8s/', () => {
  it('has the dev, staging and production overlays', () => {
    expect(environments).toEqual(['dev', 'production', 'staging']);
    expect(dirs.map((d) => path.relative(k8sDir, d))).toEqual(
      expect.arrayContaining(['addons', 'base', 'overlays/dev', 'overlays/staging', 'overlays/production']),
    );
  });

  it.each(dirs.map((d) => [path.relative(k8sDir, d), d]))(
    'kubectl kustomize %s renders objects valid against their schemas, and no copy of the chart',
    (_name, dir) => {
      const objects = kustomize(dir);
      expect(objects.length).toBeGreaterThan(0);
      expect(validateObjects(objects)).toEqual([]);
      const chartKinds = ['Deployment', 'Service', 'Job', 'Secret', 'ConfigMap', 'NetworkPolicy', 'Ingress'];
      expect(objects.filter((o) => chartKinds.includes(o.kind))).toEqual([]);
    },
  );

  it.each(environments)('overlays/%s makes namespace ttfd-<env> enforcing the restricted standard', (env) => {
    const objects = kustomize(path.join(k8sDir, 'overlays', env));
    const namespace = find(objects, 'Namespace', `ttfd-${env}`);
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    for (const o of objects.filter((o) => o.kind !== 'Namespace')) expect(o.metadata.namespace).toBe(`ttfd-${env}`);
    expect(find(objects, 'ResourceQuota', 'ttfd').spec.hard).toHaveProperty(['limits.memory']);
  });

  it.each(environments)('overlays/%s/values.yaml passes helm lint --strict and renders valid objects', (env) => {
    const values = path.join(k8sDir, 'overlays', env, 'values.yaml');
    // The release's image tag is given at deploy time (k8s/deploy.sh ... --set image.tag=<version>).
    const lint = run(tool('helm'), ['lint', '--strict', chartDir, '--values', values, '--set', 'image.tag=1.0.0']);
    expect(lint.stdout + lint.stderr).toContain('0 chart(s) failed');
    const objects = render({ values: [values], namespace: `ttfd-${env}`, set: { 'image.tag': '1.0.0' } });
    expect(validateObjects(objects)).toEqual([]);
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Deployment', 'ServiceMonitor', 'PrometheusRule', 'ConfigMap']),
    );
    // Tokens never sit in git: the chart's own Secret may hold only what it generates.
    for (const secret of objects.filter((o) => o.kind === 'Secret')) {
      expect(
        Object.keys(secret.data).filter((k) => !['telegram-webhook-secret', 'session-secret'].includes(k)),
      ).toEqual([]);
    }
  });

  it('runs production on an external database with the Telegram webhook and autoscaling', () => {
    const objects = render({
      values: [path.join(k8sDir, 'overlays/production/values.yaml')],
      namespace: 'ttfd-production',
      set: { 'image.tag': '1.0.0' },
    });
    expect(objects.some((o) => o.kind === 'Cluster')).toBe(false);
    const telegram = find(objects, 'Deployment', 'ttfd-telegram');
    const env = (name: string) => telegram.spec.template.spec.containers[0].env.find((e: Json) => e.name === name);
    expect(env('TELEGRAM_MODE').value).toBe('webhook');
    expect(env('DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'ttfd-database', key: 'uri' });
    expect(find(objects, 'HorizontalPodAutoscaler', 'ttfd-sync-worker').spec.minReplicas).toBe(3);
  });

  it('has the add-ons the chart’s defaults point at', () => {
    const addons = kustomize(path.join(k8sDir, 'addons'));
    const namespaces = addons.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    const selected = [...chartValues.networkPolicy.ingressFrom, ...chartValues.networkPolicy.metricsFrom].map(
      (peer: Json) => peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
    );
    expect(namespaces).toEqual(expect.arrayContaining([...selected, 'cnpg-system']));
    const stack = parse(readFileSync(path.join(k8sDir, 'addons/kube-prometheus-stack.values.yaml'), 'utf8'));
    const sidecar = stack.grafana.sidecar.dashboards;
    expect(chartValues.metrics.dashboards.labels).toEqual({ [sidecar.label]: sidecar.labelValue });
    expect(stack.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
  });
});
