import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  ciValues,
  ciValuesFiles,
  find,
  ofKind,
  podSpecs,
  render,
  renderError,
  type Json,
  type K8sObject,
} from './support/helm';
import { chartDir } from './support/tools';

const env = (deployment: K8sObject, name: string) =>
  deployment.spec.template.spec.containers[0].env.find((e: Json) => e.name === name);
const decode = (secret: K8sObject, key: string) => Buffer.from(secret.data[key], 'base64').toString('utf8');

describe('secrets', () => {
  it('reach the containers only through Secret references', () => {
    for (const file of ciValuesFiles) {
      for (const { owner, spec } of podSpecs(render({ values: [file] }))) {
        for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
          for (const variable of container.env ?? []) {
            if (/TOKEN|SECRET|DATABASE_URL/.test(variable.name)) {
              expect({ owner, variable }).toEqual({
                owner,
                variable: { name: variable.name, valueFrom: { secretKeyRef: expect.anything() } },
              });
            }
          }
        }
      }
    }
  });

  it('come from values into the chart’s Secret', () => {
    const objects = render({ values: [ciValues('all-enabled')] });
    const secret = find(objects, 'Secret', 'ttfd');
    expect(decode(secret, 'telegram-token')).toBe('123456:TEST-token');
    expect(decode(secret, 'discord-token')).toBe('discord-test-token');
    expect(decode(secret, 'discord-client-secret')).toBe('discord-test-client-secret');
    expect(decode(secret, 'session-secret')).toBe('test-session-secret-0123456789abcdef');
    expect(decode(secret, 'telegram-webhook-secret')).toBe('test-webhook-secret-0123456789');
    const telegram = find(objects, 'Deployment', 'ttfd-telegram');
    expect(env(telegram, 'TELEGRAM_BOT_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'ttfd', key: 'telegram-token' });
    const worker = find(objects, 'Deployment', 'ttfd-sync-worker');
    expect(env(worker, 'DISCORD_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'ttfd', key: 'discord-token' });
    expect(env(worker, 'TELEGRAM_BOT_TOKEN').valueFrom.secretKeyRef).toEqual({ name: 'ttfd', key: 'telegram-token' });
    const website = find(objects, 'Deployment', 'ttfd-website');
    expect(env(website, 'SESSION_SECRET').valueFrom.secretKeyRef).toEqual({ name: 'ttfd', key: 'session-secret' });
    expect(env(website, 'DISCORD_CLIENT_SECRET').valueFrom.secretKeyRef).toEqual({
      name: 'ttfd',
      key: 'discord-client-secret',
    });
  });

  it('come from existing Secrets, and the chart then makes none', () => {
    const objects = render({ values: [ciValues('existing-secrets')] });
    expect(ofKind(objects, 'Secret')).toEqual([]);
    const ref = (name: string, variable: string) =>
      env(find(objects, 'Deployment', `ttfd-${name}`), variable).valueFrom.secretKeyRef;
    expect(ref('telegram', 'TELEGRAM_BOT_TOKEN')).toEqual({ name: 'ttfd-telegram', key: 'token' });
    expect(ref('discord', 'DISCORD_TOKEN')).toEqual({ name: 'ttfd-discord', key: 'token' });
    expect(ref('website', 'SESSION_SECRET')).toEqual({ name: 'ttfd-website', key: 'session-secret' });
    expect(ref('website', 'DISCORD_CLIENT_SECRET')).toEqual({ name: 'ttfd-discord', key: 'client-secret' });
    expect(ref('sync-worker', 'DATABASE_URL')).toEqual({ name: 'ttfd-database', key: 'url' });
    for (const { spec } of podSpecs(objects)) expect(spec.serviceAccountName).toBe('ttfd-runtime');
  });

  it('give the worker the Linked Roles key and OAuth client when discord.linkedRoles is on, and only then', () => {
    const off = find(render({ values: [ciValues('all-enabled')] }), 'Deployment', 'ttfd-sync-worker');
    expect(env(off, 'DISCORD_TOKEN_KEY')).toBeUndefined();
    const objects = render({
      values: [ciValues('all-enabled')],
      set: { 'discord.linkedRoles': 'true', 'discord.tokenKey': Buffer.alloc(32, 7).toString('base64') },
    });
    const worker = find(objects, 'Deployment', 'ttfd-sync-worker');
    expect(env(worker, 'DISCORD_TOKEN_KEY').valueFrom.secretKeyRef).toEqual({ name: 'ttfd', key: 'discord-token-key' });
    expect(env(worker, 'DISCORD_CLIENT_SECRET').valueFrom.secretKeyRef).toEqual({
      name: 'ttfd',
      key: 'discord-client-secret',
    });
    expect(env(worker, 'DISCORD_APPLICATION_ID').value).toMatch(/^\d+$/);
    expect(decode(find(objects, 'Secret', 'ttfd'), 'discord-token-key')).toBe(Buffer.alloc(32, 7).toString('base64'));
    expect(renderError({ values: [ciValues('all-enabled')], set: { 'discord.linkedRoles': 'true' } })).toContain(
      'discord.linkedRoles needs discord.tokenKey or discord.existingSecret',
    );
  });

  it('are required for the bots that are enabled', () => {
    expect(renderError({ set: { 'image.tag': '1.0.0', 'database.url': 'postgresql://db/ttfd' } })).toContain(
      'telegram.enabled needs telegram.token or telegram.existingSecret',
    );
    expect(renderError({ values: [ciValues('default')], set: { 'discord.enabled': 'true' } })).toContain(
      'discord.enabled needs discord.token or discord.existingSecret',
    );
  });
});

describe('the Discord bot', () => {
  it('is replaced, never rolled, so two gateway sessions never count the same messages', () => {
    const discord = find(render({ values: [ciValues('all-enabled')] }), 'Deployment', 'ttfd-discord');
    expect(discord.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('the Telegram bot', () => {
  it('polls from one replica, replaced (not rolled) on update, when no public URL is known', () => {
    const telegram = find(render({ values: [ciValues('default')] }), 'Deployment', 'ttfd-telegram');
    expect(env(telegram, 'TELEGRAM_MODE').value).toBe('polling');
    expect(env(telegram, 'TELEGRAM_WEBHOOK_SECRET')).toBeUndefined();
    expect(telegram.spec.replicas).toBe(1);
    expect(telegram.spec.strategy).toEqual({ type: 'Recreate' });
    expect(renderError({ values: [ciValues('default')], set: { 'telegram.replicas': '2' } })).toContain(
      'polling runs exactly one replica',
    );
  });

  it('takes the webhook behind the Ingress and scales out', () => {
    const objects = render({
      values: [ciValues('default')],
      set: {
        'ingress.enabled': 'true',
        'ingress.host': 'play.example',
        'telegram.replicas': '3',
        'telegram.webhookSecret': 'webhook-secret-of-the-test',
      },
    });
    const telegram = find(objects, 'Deployment', 'ttfd-telegram');
    expect(env(telegram, 'TELEGRAM_MODE').value).toBe('webhook');
    expect(env(telegram, 'TELEGRAM_WEBHOOK_URL').value).toBe('https://play.example/telegram/webhook');
    expect(env(telegram, 'TELEGRAM_WEBHOOK_SECRET').valueFrom.secretKeyRef).toEqual({
      name: 'ttfd',
      key: 'telegram-webhook-secret',
    });
    expect(telegram.spec.replicas).toBe(3);
    expect(telegram.spec.strategy.type).toBe('RollingUpdate');
    const ingress = find(objects, 'Ingress', 'ttfd');
    expect(ingress.spec.rules).toEqual([
      {
        host: 'play.example',
        http: {
          paths: [
            {
              path: '/telegram/webhook',
              pathType: 'Exact',
              backend: { service: { name: 'ttfd-telegram', port: { name: 'http' } } },
            },
          ],
        },
      },
    ]);
  });
});

describe('the Ingress', () => {
  const objects = render({ values: [ciValues('all-enabled')] });

  it('routes the site to the website and the webhook path to the Telegram bot, over TLS', () => {
    const ingress = find(objects, 'Ingress', 'ttfd');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['ttfd.example'], secretName: 'ttfd-tls' }]);
    const paths = ingress.spec.rules[0].http.paths.map((p: Json) => [p.path, p.pathType, p.backend.service.name]);
    expect(paths).toEqual([
      ['/', 'Prefix', 'ttfd-website'],
      ['/telegram/webhook', 'Exact', 'ttfd-telegram'],
    ]);
    expect(env(find(objects, 'Deployment', 'ttfd-website'), 'PUBLIC_URL').value).toBe('https://ttfd.example');
  });

  it('needs a host', () => {
    expect(
      renderError({
        values: [ciValues('default')],
        set: { 'ingress.enabled': 'true', 'telegram.mode': 'webhook', 'telegram.webhookSecret': 's' },
      }),
    ).toContain('ingress.enabled needs ingress.host');
  });
});

describe('scaling', () => {
  it('hands the replicas of the website and the sync worker to an HPA when asked', () => {
    const objects = render({ values: [ciValues('all-enabled')] });
    expect(
      ofKind(objects, 'HorizontalPodAutoscaler')
        .map((h) => h.spec.scaleTargetRef.name)
        .sort(),
    ).toEqual(['ttfd-sync-worker', 'ttfd-website']);
    expect(find(objects, 'Deployment', 'ttfd-sync-worker').spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'ttfd-telegram').spec.replicas).toBe(2);
    expect(env(find(objects, 'Deployment', 'ttfd-sync-worker'), 'SYNC_BATCH_SIZE').value).toBe('500');
  });

  it('keeps replicas in the Deployments without an HPA', () => {
    const objects = render({ values: [ciValues('default')] });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(find(objects, 'Deployment', 'ttfd-sync-worker').spec.replicas).toBe(2);
  });
});

describe('network policies', () => {
  const objects = render({ values: [ciValues('all-enabled')] });
  const policies = ofKind(objects, 'NetworkPolicy');
  const matches = (selector: Json, labels: Record<string, string>) =>
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((e: Json) => e.operator === 'In' && e.values.includes(labels[e.key]));

  it('deny every flow of every pod of the release by default', () => {
    const deny = find(objects, 'NetworkPolicy', 'ttfd-default-deny');
    expect(deny.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ttfd', 'app.kubernetes.io/instance': 'ttfd' } },
      policyTypes: ['Ingress', 'Egress'],
    });
    for (const o of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
      expect(matches(deny.spec.podSelector, o.spec.template.metadata.labels)).toBe(true);
    }
  });

  it('allow each pod only its own flows', () => {
    for (const o of objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')) {
      const labels = o.spec.template.metadata.labels;
      const own = policies.filter(
        (p) => p.metadata.name !== 'ttfd-default-deny' && matches(p.spec.podSelector, labels),
      );
      expect({ pod: o.metadata.name, policies: own.length }).toEqual({ pod: o.metadata.name, policies: 1 });
      const [policy] = own;
      const egressPorts = policy.spec.egress.flatMap((rule: Json) => rule.ports.map((p: Json) => p.port)).sort();
      if (o.kind === 'Job') {
        expect(egressPorts).toEqual([53, 53, 5432]);
        expect(policy.spec.ingress).toBeUndefined();
      } else {
        expect(egressPorts).toEqual([443, 53, 53, 5432]);
        expect(policy.spec.ingress).toHaveLength(1);
        expect(policy.spec.ingress[0].ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
      }
    }
  });

  it('let the ingress controller reach only the website and the Telegram webhook', () => {
    const fromIngress = (name: string) =>
      find(objects, 'NetworkPolicy', `ttfd-${name}`).spec.ingress[0].from.some(
        (peer: Json) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx',
      );
    expect(fromIngress('website')).toBe(true);
    expect(fromIngress('telegram')).toBe(true);
    expect(fromIngress('discord')).toBe(false);
    expect(fromIngress('sync-worker')).toBe(false);
  });

  it('admit no one, rather than everyone, when no peer may scrape', () => {
    const closed = render({
      values: [ciValues('default')],
      set: { 'networkPolicy.metricsFrom': 'null', 'tests.enabled': 'false' },
    });
    const worker = find(closed, 'NetworkPolicy', 'ttfd-sync-worker');
    expect(worker.spec.policyTypes).toContain('Ingress');
    expect(worker.spec.ingress).toBeUndefined();
  });

  it('can be turned off', () => {
    expect(ofKind(render({ values: [ciValues('existing-secrets')] }), 'NetworkPolicy')).toEqual([]);
  });
});

describe('monitoring', () => {
  const objects = render({ values: [ciValues('all-enabled')] });

  it('is off unless asked for', () => {
    const kinds = render({ values: [ciValues('default')] }).map((o) => o.kind);
    expect(kinds).not.toContain('ServiceMonitor');
    expect(kinds).not.toContain('PrometheusRule');
    expect(kinds).not.toContain('ConfigMap');
  });

  it('scrapes /metrics of every service and names the job after the service', () => {
    const monitor = find(objects, 'ServiceMonitor', 'ttfd');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    for (const service of ofKind(objects, 'Service')) {
      for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels)) {
        expect(service.metadata.labels?.[key]).toBe(value);
      }
    }
    expect(ofKind(objects, 'Service')).toHaveLength(4);
    expect(monitor.spec.endpoints).toEqual([
      {
        port: 'http',
        path: '/metrics',
        interval: '30s',
        scrapeTimeout: '10s',
        relabelings: [
          {
            sourceLabels: ['__meta_kubernetes_service_label_app_kubernetes_io_component'],
            targetLabel: 'job',
            replacement: 'ttfd-$1',
            action: 'replace',
          },
        ],
      },
    ]);
  });

  it('ships the rule file as the PrometheusRule, with the runbook links of the install', () => {
    const file = parse(readFileSync(path.join(chartDir, 'rules/ttfd.rules.yaml'), 'utf8'));
    expect(find(objects, 'PrometheusRule', 'ttfd').spec).toEqual(file);
    const moved = render({
      values: [ciValues('all-enabled')],
      set: { 'metrics.prometheusRule.runbookUrl': 'https://wiki.example/ttfd' },
    });
    const rules = find(moved, 'PrometheusRule', 'ttfd').spec.groups.flatMap((g: Json) => g.rules);
    expect(rules.map((r: Json) => r.annotations.runbook_url)).toContain('https://wiki.example/ttfd#ttfdeventlaghigh');
    expect(rules.every((r: Json) => r.annotations.runbook_url.startsWith('https://wiki.example/ttfd#'))).toBe(true);
  });

  it('ships the dashboard as a ConfigMap the Grafana sidecar picks up', () => {
    const configMap = find(objects, 'ConfigMap', 'ttfd-dashboards');
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    const file = readFileSync(path.join(chartDir, 'dashboards/ttfd-overview.json'), 'utf8');
    expect(JSON.parse(configMap.data['ttfd-overview.json'])).toEqual(JSON.parse(file));
  });
});
