import path from 'node:path';
import { ciValuesFiles, render, renderError } from './support/helm';
import { validateObjects } from './support/k8s-schema';
import { chartDir, run, tool } from './support/tools';

const rendered = (file: string) => render({ values: [file] });

describe('the chart against the Kubernetes schemas', () => {
  it('has a values file for every way it is meant to be installed', () => {
    expect(ciValuesFiles.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining([
        'default-values.yaml',
        'all-enabled-values.yaml',
        'cnpg-values.yaml',
        'existing-secrets-values.yaml',
      ]),
    );
  });

  it.each(ciValuesFiles.map((f) => [path.basename(f), f]))('passes helm lint --strict with %s', (_name, file) => {
    const result = run(tool('helm'), ['lint', '--strict', chartDir, '--values', file]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each(ciValuesFiles.map((f) => [path.basename(f), f]))(
    'renders only objects valid against their schemas with %s',
    (_name, file) => {
      const objects = rendered(file);
      expect(objects.length).toBeGreaterThan(5);
      expect(validateObjects(objects)).toEqual([]);
    },
  );

  it('renders the upgrade of the CloudNativePG mode valid too', () => {
    const objects = render({ values: [path.join(chartDir, 'ci/cnpg-values.yaml')], isUpgrade: true });
    expect(validateObjects(objects)).toEqual([]);
  });

  it('reports unknown fields, wrong types and missing fields', () => {
    const original = rendered(path.join(chartDir, 'ci/default-values.yaml')).find((o) => o.kind === 'Deployment')!;
    const misspelt = structuredClone(original);
    misspelt.spec.template.spec.containers[0].readinessprobe = { httpGet: { path: '/readyz', port: 'http' } };
    const mistyped = structuredClone(original);
    mistyped.metadata.name = 'mistyped';
    mistyped.spec.template.spec.containers[0].ports[0].containerPort = '8081';
    const incomplete = structuredClone(original);
    incomplete.metadata.name = 'incomplete';
    delete incomplete.spec.selector;
    const cluster = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'db' },
      spec: { instances: 0, storage: { size: '1Gi', storageclass: 'x' } },
    };
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'm' },
      spec: { selector: {}, endpoints: [{ port: 'http', pathh: '/metrics' }] },
    };
    const errors = validateObjects([misspelt, mistyped, incomplete, cluster, monitor]).join('\n');
    expect(errors).toMatch(/Deployment\/ttfd-telegram: .*'"?readinessprobe"?' does not exist/);
    expect(errors).toMatch(/Deployment\/mistyped: .*containerPort must be integer/);
    expect(errors).toMatch(/Deployment\/incomplete: .*must have required property selector/);
    expect(errors).toMatch(/Cluster\/db: .*instances must be >= 1/);
    expect(errors).toMatch(/Cluster\/db: .*must NOT have additional properties/);
    expect(errors).toMatch(/ServiceMonitor\/m: .*'"?pathh"?' does not exist/);
    expect(validateObjects([original])).toEqual([]);
  });

  it('rejects values the schema does not know', () => {
    const error = renderError({
      values: [path.join(chartDir, 'ci/default-values.yaml')],
      set: { 'syncWorker.replica': '3' },
    });
    expect(error).toMatch(/additional properties 'replica' not allowed/);
  });
});
