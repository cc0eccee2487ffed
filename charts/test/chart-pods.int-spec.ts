import path from 'node:path';
import { ciValuesFiles, find, podSpecs, render, type Json, type K8sObject } from './support/helm';

const renders: [string, K8sObject[]][] = ciValuesFiles.map((f) => [path.basename(f), render({ values: [f] })]);
const allPods = renders.flatMap(([file, objects]) =>
  podSpecs(objects).map(({ owner, spec }) => ({ where: `${file} ${owner}`, spec })),
);
const allContainers = allPods.flatMap(({ where, spec }) =>
  [...(spec.initContainers ?? []), ...spec.containers].map((c: Json) => ({
    where: `${where} ${c.name}`,
    container: c,
  })),
);

describe('pods of the chart', () => {
  it('are found in every render', () => {
    expect(allPods.length).toBeGreaterThanOrEqual(renders.length * 3);
  });

  it.each(allPods.map((p) => [p.where, p.spec]))(
    '%s runs under the restricted pod security standard',
    (_where, spec) => {
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      for (const volume of spec.volumes ?? []) expect(volume.hostPath).toBeUndefined();
    },
  );

  it.each(allContainers.map((c) => [c.where, c.container]))(
    '%s drops every privilege and writes only /tmp',
    (_where, c) => {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.resources.requests).toEqual(expect.objectContaining({ memory: expect.any(String) }));
      expect(c.resources.limits).toEqual(expect.objectContaining({ memory: expect.any(String) }));
    },
  );

  it('lets every service drain before the kubelet kills it', () => {
    const deployments = renders.flatMap(([, objects]) => objects.filter((o) => o.kind === 'Deployment'));
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const spec = d.spec.template.spec;
      for (const c of spec.containers) {
        const grace = Number(c.env.find((e: Json) => e.name === 'SHUTDOWN_GRACE_SECONDS')?.value);
        expect({
          name: d.metadata.name,
          drainEndsFirst: grace > 0 && grace < spec.terminationGracePeriodSeconds,
        }).toEqual({ name: d.metadata.name, drainEndsFirst: true });
      }
    }
  });

  it('gives every pod a writable /tmp on the read-only root filesystem', () => {
    for (const { where, spec } of allPods) {
      expect({ where, volumes: spec.volumes }).toEqual({
        where,
        volumes: expect.arrayContaining([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]),
      });
      for (const c of spec.containers) {
        expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      }
    }
  });

  it('probes every service on its one HTTP port: /healthz for liveness, /readyz for readiness', () => {
    const [, objects] = renders.find(([file]) => file === 'all-enabled-values.yaml')!;
    const ports: Record<string, number> = { website: 3000, telegram: 8081, discord: 8082, 'sync-worker': 8083 };
    for (const [name, port] of Object.entries(ports)) {
      const deployment = find(objects, 'Deployment', `ttfd-${name}`);
      const [container] = deployment.spec.template.spec.containers;
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(container.env).toContainEqual({ name: 'PORT', value: String(port) });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      const service = find(objects, 'Service', `ttfd-${name}`);
      expect(service.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http', protocol: 'TCP' }]);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    }
  });

  it('keeps selector labels apart from the mutable labels', () => {
    for (const [, objects] of renders) {
      for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
        expect(Object.keys(deployment.spec.selector.matchLabels).sort()).toEqual([
          'app.kubernetes.io/component',
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
        expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
        expect(deployment.metadata.labels).toHaveProperty(['app.kubernetes.io/version']);
      }
    }
  });

  it('spreads replicas over zones and nodes and guards them with a PodDisruptionBudget', () => {
    const [, objects] = renders.find(([file]) => file === 'default-values.yaml')!;
    for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
      const selector = deployment.spec.selector.matchLabels;
      const spread = deployment.spec.template.spec.topologySpreadConstraints;
      expect(spread.map((c: Json) => c.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
      for (const c of spread) expect(c.labelSelector.matchLabels).toEqual(selector);
      const pdb = find(objects, 'PodDisruptionBudget', deployment.metadata.name);
      expect(pdb.spec.selector.matchLabels).toEqual(selector);
      expect(pdb.spec.maxUnavailable).toBe(1);
    }
  });

  it('runs the images of the chart version unless overridden', () => {
    const objects = render({
      values: [path.join(__dirname, '../ttfd/ci/default-values.yaml')],
      set: {
        'image.tag': '1.2.3',
        'syncWorker.image.repository': 'registry.example/worker',
        'syncWorker.image.tag': 'abc',
      },
    });
    const image = (name: string) => find(objects, 'Deployment', `ttfd-${name}`).spec.template.spec.containers[0].image;
    expect(image('telegram')).toBe('ghcr.io/ttfd/ttfd-telegram:1.2.3');
    expect(image('sync-worker')).toBe('registry.example/worker:abc');
    expect(find(objects, 'Job', 'ttfd-migrate').spec.template.spec.containers[0].image).toBe(
      'ghcr.io/ttfd/ttfd-migrate:1.2.3',
    );
  });
});
