import { ciValues, find, ofKind, render, renderError, type Json, type K8sObject } from './support/helm';

const secretRef = (container: Json, name: string) =>
  container.env.find((e: Json) => e.name === name)?.valueFrom?.secretKeyRef;
const decode = (secret: K8sObject, key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');

describe('the migration Job as a pre-install/pre-upgrade hook (external database)', () => {
  const objects = render({ values: [ciValues('default')] });
  const upgrade = render({ values: [ciValues('default')], isUpgrade: true });
  const job = find(objects, 'Job', 'ttfd-migrate');
  const pod = job.spec.template.spec;

  it('runs `migrate` before install and upgrade and is deleted once it succeeded', () => {
    expect(job.metadata.annotations).toEqual({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-weight': '0',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    });
    expect(pod.containers[0].args).toEqual(['node', 'services/migrate/dist/main.js', 'migrate']);
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBeGreaterThan(0);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(find(upgrade, 'Job', 'ttfd-migrate').metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it('reads a database Secret that exists at hook time, made just before it', () => {
    expect(secretRef(pod.containers[0], 'DATABASE_URL')).toEqual({ name: 'ttfd-migrate', key: 'database-url' });
    const hookSecret = find(objects, 'Secret', 'ttfd-migrate');
    expect(hookSecret.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      // hook-failed too: a failed migration must not leave the database password behind.
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded,hook-failed',
    });
    expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(0);
    expect(decode(hookSecret, 'database-url')).toBe('postgresql://ttfd:secret@postgres.example:5432/ttfd');
    expect(decode(find(objects, 'Secret', 'ttfd'), 'database-url')).toBe(decode(hookSecret, 'database-url'));
  });

  it('runs under its own hook ServiceAccount, since the chart ServiceAccount does not exist yet on install', () => {
    const account = find(objects, 'ServiceAccount', 'ttfd-migrate');
    expect(pod.serviceAccountName).toBe('ttfd-migrate');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(Number(account.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(0);
    expect(account.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(account.metadata.annotations!['helm.sh/hook-delete-policy']).toBe(
      'before-hook-creation,hook-succeeded,hook-failed',
    );
  });

  it('leaves the Deployments as ordinary release objects, applied after the hook', () => {
    for (const deployment of ofKind(objects, 'Deployment')) {
      expect(deployment.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
      expect(deployment.spec.template.spec.initContainers).toBeUndefined();
    }
  });

  it('reads an existing database Secret directly', () => {
    const existing = render({ values: [ciValues('existing-secrets')] });
    const container = find(existing, 'Job', 'ttfd-migrate').spec.template.spec.containers[0];
    expect(secretRef(container, 'DATABASE_URL')).toEqual({ name: 'ttfd-database', key: 'url' });
    expect(existing.find((o) => o.kind === 'Secret' && o.metadata.name === 'ttfd-migrate')).toBeUndefined();
  });
});

describe('the migration with the chart’s own CloudNativePG Cluster', () => {
  const objects = render({ values: [ciValues('cnpg')] });
  const cluster = find(objects, 'Cluster', 'ttfd-db');

  it('makes a PostgreSQL 18 Cluster', () => {
    expect(cluster.spec.imageName).toMatch(/^ghcr\.io\/cloudnative-pg\/postgresql:18[.-]/);
    expect(cluster.spec).toMatchObject({
      instances: 3,
      storage: { size: '20Gi', storageClass: 'standard' },
      bootstrap: { initdb: { database: 'ttfd', owner: 'ttfd' } },
      postgresql: { parameters: { max_connections: '200' } },
    });
  });

  it('runs the migration as a regular Job, once the database answers', () => {
    const jobs = ofKind(objects, 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual([expect.stringMatching(/^ttfd-migrate-[0-9a-f]{10}$/)]);
    const [job] = jobs;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const pod = job.spec.template.spec;
    expect(pod.initContainers.map((c: Json) => c.name)).toEqual(['wait-for-database']);
    expect(pod.initContainers[0].image).toBe('ghcr.io/ttfd/ttfd-migrate:0.1.0');
    expect(pod.initContainers[0].command).toBeUndefined();
    expect(pod.initContainers[0].args).toEqual([
      'node',
      'services/migrate/dist/main.js',
      'db',
      'wait',
      '--timeout',
      '300',
    ]);
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(secretRef(container, 'DATABASE_URL')).toEqual({ name: 'ttfd-db-app', key: 'uri' });
    }
    expect(pod.containers[0].args).toEqual(['node', 'services/migrate/dist/main.js', 'migrate']);
    // No install or upgrade hook (the `helm test` pods run only on demand).
    expect(objects.some((o) => (o.metadata.annotations?.['helm.sh/hook'] ?? 'test') !== 'test')).toBe(false);
  });

  it('holds every Deployment until no migration is pending', () => {
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const [wait] = deployment.spec.template.spec.initContainers;
      expect(wait.name).toBe('wait-for-schema');
      expect(wait.image).toBe('ghcr.io/ttfd/ttfd-migrate:0.1.0');
      expect(wait.command.join(' ')).toContain('node services/migrate/dist/main.js migrate --check');
      expect(secretRef(wait, 'DATABASE_URL')).toEqual({ name: 'ttfd-db-app', key: 'uri' });
      expect(secretRef(deployment.spec.template.spec.containers[0], 'DATABASE_URL')).toEqual({
        name: 'ttfd-db-app',
        key: 'uri',
      });
    }
  });

  it('lets the database pods be reached by the release', () => {
    const policy = find(objects, 'NetworkPolicy', 'ttfd-sync-worker');
    expect(policy.spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'ttfd-db' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
  });
});

describe('the database source', () => {
  it('must be given', () => {
    expect(renderError({ set: { 'image.tag': '1.0.0', 'telegram.token': 't' } })).toContain(
      'set exactly one of database.url, database.existingSecret or cnpg.enabled=true',
    );
  });

  it('must be one only', () => {
    expect(renderError({ values: [ciValues('default')], set: { 'cnpg.enabled': 'true' } })).toContain(
      'set exactly one of database.url, database.existingSecret or cnpg.enabled=true',
    );
  });
});
