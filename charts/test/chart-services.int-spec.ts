import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ciValues, find, render, type K8sObject } from './support/helm';
import { chartDir, repoRoot } from './support/tools';

// Every folder under services/ is a service the chart must run (migrate: as the migration Job).
const services = readdirSync(path.join(repoRoot, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const longRunning = services.filter((name) => name !== 'migrate');
const valuesKey = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const defaults = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));

const renders: Record<string, K8sObject[]> = {
  default: render({ values: [ciValues('default')] }),
  'all-enabled': render({ values: [ciValues('all-enabled')] }),
};

describe('the chart covers every service under services/', () => {
  it('finds the services', () => {
    expect(services).toEqual(expect.arrayContaining(['migrate']));
    expect(longRunning.length).toBeGreaterThan(0);
  });

  it.each(Object.keys(renders))('runs migrate as the migration hook Job in the %s render', (name) => {
    const job = find(renders[name], 'Job', 'ttfd-migrate');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it.each(longRunning)('has values, a Deployment, a Service and a PDB for %s', (name) => {
    const key = valuesKey(name);
    expect(defaults[key]).toEqual(
      expect.objectContaining({
        enabled: expect.any(Boolean),
        replicas: expect.any(Number),
        resources: expect.any(Object),
        env: {},
      }),
    );
    const all = renders['all-enabled'];
    const deployment = find(all, 'Deployment', `ttfd-${name}`);
    expect(deployment.spec.template.spec.containers[0].image).toBe(`ghcr.io/ttfd/ttfd-${name}:0.1.0`);
    find(all, 'Service', `ttfd-${name}`);
    find(all, 'PodDisruptionBudget', `ttfd-${name}`);
    find(all, 'NetworkPolicy', `ttfd-${name}`);
    const inDefault = renders.default.some((o) => o.kind === 'Deployment' && o.metadata.name === `ttfd-${name}`);
    expect(inDefault).toBe(defaults[key].enabled);
  });

  it.each(longRunning)('serves %s on the port its config defaults to', (name) => {
    const config = readFileSync(path.join(repoRoot, 'services', name, 'src/config.ts'), 'utf8');
    const port = Number(/PORT: port\((\d+)\)/.exec(config)?.[1]);
    const deployment = find(renders['all-enabled'], 'Deployment', `ttfd-${name}`);
    expect(deployment.spec.template.spec.containers[0].ports[0].containerPort).toBe(port);
  });

  it('routes the Telegram webhook to the path the bot serves it on', () => {
    const webhook = readFileSync(path.join(repoRoot, 'services/telegram/src/webhook.ts'), 'utf8');
    const served = /WEBHOOK_PATH = '([^']+)'/.exec(webhook)?.[1];
    const ingress = find(renders['all-enabled'], 'Ingress', 'ttfd');
    const route = ingress.spec.rules[0].http.paths.find(
      (p: { backend: { service: { name: string } } }) => p.backend.service.name === 'ttfd-telegram',
    );
    expect(route.path).toBe(served);
  });

  it.each(services)('has a Dockerfile target for %s that runs its entry point', (name) => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const stage = dockerfile
      .split(/^FROM /m)
      .find((s) => new RegExp(`^\\S+ AS ${name}\\s*$`, 'm').test(s.split('\n')[0]));
    expect(stage).toBeDefined();
    expect(stage).toMatch(new RegExp(`^CMD \\["node", "services/${name}/dist/main\\.js"`, 'm'));
    expect(stage).toContain(`COPY --from=deps-${name} /app/node_modules ./node_modules`);
    // Its production dependencies only: npm ci --omit=dev for its own workspace.
    const deps = dockerfile.split(/^FROM /m).find((s) => s.startsWith(`base AS deps-${name}\n`));
    expect(deps).toContain(`npm ci --omit=dev --ignore-scripts --workspace services/${name}`);
  });
});
