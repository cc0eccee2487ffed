import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
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
import { validateObjects } from './support/k8s-schema';
import { chartDir, repoRoot, run, tool } from './support/tools';

const container = (deployment: K8sObject) => deployment.spec.template.spec.containers[0];
const env = (deployment: K8sObject, name: string) => container(deployment).env.find((e: Json) => e.name === name);
const chartValues = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
const helmTemplate = (args: string[]) => run(tool('helm'), ['template', 'ttfd', chartDir, ...args]);

describe('the Discord bot', () => {
  it('is capped at one replica per shard by the schema', () => {
    const error = renderError({ values: [ciValues('all-enabled')], set: { 'discord.replicas': '2' } });
    expect(error).toContain('/discord/replicas');
    expect(error).toMatch(/maximum/);
    expect(find(render({ values: [ciValues('all-enabled')] }), 'Deployment', 'ttfd-discord').spec.replicas).toBe(1);
  });
});

describe('secrets under GitOps', () => {
  it('render the same objects every time (no generated secret by default)', () => {
    for (const file of [ciValues('all-enabled'), ciValues('default')]) {
      const first = helmTemplate(['--values', file]);
      const second = helmTemplate(['--values', file]);
      expect(first.status).toBe(0);
      expect(second.stdout).toBe(first.stdout);
    }
  });

  it('are required, not generated, for the webhook and the website sessions', () => {
    expect(renderError({ values: [ciValues('all-enabled')], set: { 'telegram.webhookSecret': '' } })).toContain(
      'the Telegram webhook needs a secret: set telegram.webhookSecret or telegram.existingSecret',
    );
    expect(renderError({ values: [ciValues('all-enabled')], set: { 'website.sessionSecret': '' } })).toContain(
      'the website needs a session secret: set website.sessionSecret or website.existingSecret',
    );
  });

  it('are generated only when asked (generateSecrets=true)', () => {
    const objects = render({
      values: [ciValues('all-enabled')],
      set: { 'telegram.webhookSecret': '', 'website.sessionSecret': '', generateSecrets: 'true' },
    });
    const secret = find(objects, 'Secret', 'ttfd');
    expect(Buffer.from(secret.data['session-secret'], 'base64').toString()).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it('may come from any Secret through extraEnv valueFrom (ExternalSecrets, CSI)', () => {
    const objects = render({
      values: [ciValues('all-enabled')],
      set: {
        'syncWorker.extraEnv[0].name': 'SENTRY_DSN',
        'syncWorker.extraEnv[0].valueFrom.secretKeyRef.name': 'external-sentry',
        'syncWorker.extraEnv[0].valueFrom.secretKeyRef.key': 'dsn',
      },
    });
    expect(env(find(objects, 'Deployment', 'ttfd-sync-worker'), 'SENTRY_DSN')).toEqual({
      name: 'SENTRY_DSN',
      valueFrom: { secretKeyRef: { name: 'external-sentry', key: 'dsn' } },
    });
    expect(validateObjects(objects)).toEqual([]);
    expect(
      renderError({
        values: [ciValues('all-enabled')],
        set: { 'syncWorker.extraEnv[0].name': 'X', 'syncWorker.extraEnv[0].valueFrom.bogusRef.name': 'y' },
      }),
    ).toContain('/syncWorker/extraEnv/0');
  });

  it('restart the pods when they change: the chart Secret’s checksum, and the Reloader annotation for the others', () => {
    const plain = render({ values: [ciValues('existing-secrets')] });
    for (const d of ofKind(plain, 'Deployment')) {
      expect(d.spec.template.metadata.annotations['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
      expect(d.metadata.annotations?.['secret.reloader.stakater.com/auto']).toBeUndefined();
    }
    const reloaded = render({ values: [ciValues('existing-secrets')], set: { 'reloader.enabled': 'true' } });
    for (const d of ofKind(reloaded, 'Deployment')) {
      expect(d.metadata.annotations).toEqual({ 'secret.reloader.stakater.com/auto': 'true' });
    }
  });
});

describe('the migration Job', () => {
  const cnpg = (set: Record<string, string> = {}) =>
    ofKind(render({ values: [ciValues('cnpg')], set }), 'Job').map((j) => j.metadata.name);

  it('is named by what it runs (image, chart version, settings), not by the release revision', () => {
    const [name] = cnpg();
    expect(name).toMatch(/^ttfd-migrate-[0-9a-f]{10}$/);
    expect(cnpg()).toEqual([name]);
    expect(ofKind(render({ values: [ciValues('cnpg')], isUpgrade: true }), 'Job')[0].metadata.name).toBe(name);
    expect(cnpg({ 'image.tag': '0.2.0' })).not.toEqual([name]);
    expect(cnpg({ 'migrations.activeDeadlineSeconds': '1200' })).not.toEqual([name]);
  });

  it('fails at once on a usage or configuration error (exit 2, 78) instead of retrying', () => {
    for (const file of [ciValues('default'), ciValues('cnpg')]) {
      const [job] = ofKind(render({ values: [file] }), 'Job');
      expect(job.spec.podFailurePolicy.rules).toEqual([
        { action: 'FailJob', onExitCodes: { containerName: 'migrate', operator: 'In', values: [2, 78] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ]);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
    }
  });

  it('is waited for longer than its deadline wherever the docs and scripts run helm install/upgrade', () => {
    const deadline = chartValues.migrations.activeDeadlineSeconds as number;
    const seconds = (d: string) =>
      [...d.matchAll(/(\d+)([hms])/g)].reduce((s, [, n, u]) => s + Number(n) * { h: 3600, m: 60, s: 1 }[u]!, 0);
    const files = [
      'README.md',
      'docs/runbook.md',
      'k8s/README.md',
      'k8s/deploy.sh',
      ...readdirSync(path.join(repoRoot, '.github/workflows')).map((f) => `.github/workflows/${f}`),
    ];
    const commands: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8').replace(/\\\n\s*/g, ' ');
      for (const line of text.split('\n')) {
        if (
          /^\s*helm (upgrade|install)\b/.test(line) &&
          !/--install (cert-manager|kube-prometheus|cnpg|ingress)/.test(line)
        ) {
          commands.push(`${file}: ${line.trim()}`);
        }
      }
    }
    expect(commands.length).toBeGreaterThan(3);
    for (const command of commands) {
      const timeout = /--timeout[ =](\S+)/.exec(command)?.[1];
      expect({ command, timeoutSeconds: timeout ? seconds(timeout) > deadline : 'missing' }).toEqual({
        command,
        timeoutSeconds: true,
      });
    }
  });
});

describe('images', () => {
  it('need a tag: no silent fallback to the chart’s appVersion', () => {
    expect(renderError({ set: { 'database.url': 'postgresql://db/ttfd', 'telegram.token': '1:a' } })).toContain(
      'image.tag is required',
    );
  });

  it('carry the tag as app.kubernetes.io/version and may be pinned by digest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const objects = render({
      values: [ciValues('default')],
      set: { 'image.tag': '1.4.0', 'syncWorker.image.digest': digest },
    });
    const worker = find(objects, 'Deployment', 'ttfd-sync-worker');
    expect(container(worker).image).toBe(`ghcr.io/ttfd/ttfd-sync-worker:1.4.0@${digest}`);
    expect(container(find(objects, 'Deployment', 'ttfd-telegram')).image).toBe('ghcr.io/ttfd/ttfd-telegram:1.4.0');
    for (const o of objects) expect(o.metadata.labels?.['app.kubernetes.io/version']).toBe('1.4.0');
    expect(worker.spec.selector.matchLabels['app.kubernetes.io/version']).toBeUndefined();
    expect(renderError({ values: [ciValues('default')], set: { 'syncWorker.image.digest': 'latest' } })).toContain(
      '/syncWorker/image/digest',
    );
  });
});

describe('CloudNativePG', () => {
  it('keeps the Cluster when the release goes, with its PodDisruptionBudgets on', () => {
    const cluster = find(render({ values: [ciValues('cnpg')] }), 'Cluster', 'ttfd-db');
    expect(cluster.metadata.annotations).toMatchObject({ 'helm.sh/resource-policy': 'keep' });
    expect(cluster.spec.enablePDB).toBe(true);
    const dev = find(render({ values: [ciValues('cnpg')], set: { 'cnpg.enablePDB': 'false' } }), 'Cluster', 'ttfd-db');
    expect(dev.spec.enablePDB).toBe(false);
  });

  it('backs up to object storage on a schedule when configured, and exposes a PodMonitor', () => {
    const objects = render({
      values: [ciValues('cnpg')],
      set: {
        'cnpg.backup.enabled': 'true',
        'cnpg.backup.destinationPath': 's3://ttfd-backups/prod',
        'cnpg.backup.existingSecret': 'ttfd-backup-s3',
        'cnpg.podMonitor.enabled': 'true',
      },
    });
    const cluster = find(objects, 'Cluster', 'ttfd-db');
    expect(cluster.spec.backup).toMatchObject({
      retentionPolicy: '30d',
      barmanObjectStore: {
        destinationPath: 's3://ttfd-backups/prod',
        s3Credentials: {
          accessKeyId: { name: 'ttfd-backup-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'ttfd-backup-s3', key: 'ACCESS_SECRET_KEY' },
        },
      },
    });
    expect(find(objects, 'ScheduledBackup', 'ttfd-db-daily').spec).toEqual({
      schedule: '0 0 3 * * *',
      backupOwnerReference: 'self',
      method: 'barmanObjectStore',
      cluster: { name: 'ttfd-db' },
    });
    expect(find(objects, 'PodMonitor', 'ttfd-db').spec).toEqual({
      selector: { matchLabels: { 'cnpg.io/cluster': 'ttfd-db' } },
      podMetricsEndpoints: [{ port: 'metrics' }],
    });
    expect(validateObjects(objects)).toEqual([]);
    expect(
      renderError({
        values: [ciValues('cnpg')],
        set: { 'cnpg.backup.enabled': 'true', 'cnpg.backup.existingSecret': 's' },
      }),
    ).toContain('cnpg.backup.enabled needs cnpg.backup.destinationPath');
  });
});

describe('rollouts', () => {
  const objects = render({ values: [ciValues('all-enabled')] });

  it('spread over zones honouring node taints', () => {
    for (const d of ofKind(objects, 'Deployment')) {
      const zone = d.spec.template.spec.topologySpreadConstraints.find(
        (c: Json) => c.topologyKey === 'topology.kubernetes.io/zone',
      );
      expect(zone.nodeTaintsPolicy).toBe('Honor');
    }
  });

  it('keep the website and the Telegram webhook serving while the ingress stops routing to a pod', () => {
    for (const name of ['website', 'telegram']) {
      const d = find(objects, 'Deployment', `ttfd-${name}`);
      expect(container(d).lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
      // 30 s grace − 5 s preStop − 5 s spare.
      expect(env(d, 'SHUTDOWN_GRACE_SECONDS').value).toBe('20');
    }
    for (const name of ['discord', 'sync-worker']) {
      const d = find(objects, 'Deployment', `ttfd-${name}`);
      expect(container(d).lifecycle).toBeUndefined();
      expect(env(d, 'SHUTDOWN_GRACE_SECONDS').value).toBe('25');
    }
  });
});

describe('the sync worker on KEDA', () => {
  const set = { 'syncWorker.keda.enabled': 'true', 'syncWorker.autoscaling.enabled': 'false' };

  it('scales on the oldest pending event’s age, and leaves the replicas to it', () => {
    const objects = render({ values: [ciValues('all-enabled')], set: { ...set, 'database.connectionBudget': '200' } });
    const scaled = find(objects, 'ScaledObject', 'ttfd-sync-worker');
    expect(scaled.spec.scaleTargetRef).toEqual({ name: 'ttfd-sync-worker' });
    expect(scaled.spec.triggers).toEqual([
      {
        type: 'prometheus',
        metadata: {
          serverAddress: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
          query: 'max(ttfd_events_oldest_pending_age_seconds{namespace="ttfd",job="ttfd-sync-worker"})',
          threshold: '5',
          ignoreNullValues: 'true',
        },
      },
    ]);
    expect(find(objects, 'Deployment', 'ttfd-sync-worker').spec.replicas).toBeUndefined();
    expect(ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).toEqual(['ttfd-website']);
    expect(validateObjects(objects)).toEqual([]);
  });

  it('refuses more replicas than the database’s connection budget holds', () => {
    // 100 − (2 migration + 2×11 telegram + 11 discord + 6×11 website, each a pool of 10 and a wake-up connection) < 6 → no worker of 6 connections (SYNC_BATCHES_IN_FLIGHT unset: 2 + 4).
    const error = renderError({
      values: [ciValues('all-enabled')],
      set: { ...set, 'syncWorker.keda.maxReplicas': '3' },
    });
    expect(error).toContain("syncWorker.keda.maxReplicas=3 exceeds the database's connection budget");
    const roomy = render({
      values: [ciValues('all-enabled')],
      set: { ...set, 'database.connectionBudget': '400', 'syncWorker.keda.maxReplicas': '40' },
    });
    expect(find(roomy, 'ScaledObject', 'ttfd-sync-worker').spec.maxReplicaCount).toBe(40);
    expect(find(roomy, 'ScaledObject', 'ttfd-sync-worker').metadata.annotations['ttfd/connection-budget']).toBe(
      '400 connections: 101 for the other services, 6 per worker, cap 49',
    );
    expect(renderError({ values: [ciValues('all-enabled')], set: { 'syncWorker.keda.enabled': 'true' } })).toContain(
      'choose one',
    );
  });
});

describe('the website', () => {
  it('keeps board pages as long as leaderboardCacheMs says, and refuses a negative time', () => {
    const website = find(
      render({ values: [ciValues('all-enabled')], set: { 'website.leaderboardCacheMs': '0' } }),
      'Deployment',
      'ttfd-website',
    );
    expect(container(website).env.find((e: Json) => e.name === 'LEADERBOARD_CACHE_MS')).toEqual({
      name: 'LEADERBOARD_CACHE_MS',
      value: '0',
    });
    expect(renderError({ values: [ciValues('all-enabled')], set: { 'website.leaderboardCacheMs': '-1' } })).toMatch(
      /leaderboardCacheMs/,
    );
  });

  it('gets its whole environment, secrets by reference', () => {
    const objects = render({
      values: [ciValues('all-enabled')],
      set: { 'website.discordTokenKey': 'k'.repeat(32), 'discord.apiRoot': 'https://discord.example/api' },
    });
    const website = find(objects, 'Deployment', 'ttfd-website');
    const plain = Object.fromEntries(
      container(website)
        .env.filter((e: Json) => 'value' in e)
        .map((e: Json) => [e.name, e.value]),
    );
    expect(plain).toMatchObject({
      PORT: '3000',
      PUBLIC_URL: 'https://ttfd.example',
      TRUST_PROXY: '1',
      LEADERBOARD_CACHE_MS: '1000',
      DISCORD_CLIENT_ID: '111111111111111111',
      DISCORD_API_ROOT: 'https://discord.example/api',
      TELEGRAM_BOT_USERNAME: 'ttfd_bot',
      ADMIN_EMAILS: 'admin@ttfd.example',
    });
    const refs = Object.fromEntries(
      container(website)
        .env.filter((e: Json) => e.valueFrom)
        .map((e: Json) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(refs).toEqual({
      DATABASE_URL: { name: 'ttfd', key: 'database-url' },
      SESSION_SECRET: { name: 'ttfd', key: 'session-secret' },
      DISCORD_CLIENT_SECRET: { name: 'ttfd', key: 'discord-client-secret' },
      TELEGRAM_BOT_TOKEN: { name: 'ttfd', key: 'telegram-token' },
      DISCORD_TOKEN_KEY: { name: 'ttfd', key: 'discord-token-key' },
    });
    expect(container(website).ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(container(website).readinessProbe.httpGet.path).toBe('/readyz');
    expect(container(website).livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('reads DISCORD_TOKEN_KEY from an existing Secret only if it is there', () => {
    const website = find(render({ values: [ciValues('existing-secrets')] }), 'Deployment', 'ttfd-website');
    expect(env(website, 'DISCORD_TOKEN_KEY').valueFrom.secretKeyRef).toEqual({
      name: 'ttfd-website',
      key: 'discord-token-key',
      optional: true,
    });
  });

  it('is off by default', () => {
    expect(ofKind(render({ values: [ciValues('default')] }), 'Deployment').map((d) => d.metadata.name)).not.toContain(
      'ttfd-website',
    );
  });
});

describe('the legacy import Job', () => {
  it('is off by default', () => {
    for (const file of [ciValues('default'), ciValues('all-enabled')]) {
      expect(render({ values: [file] }).some((o) => o.metadata.name === 'ttfd-legacy-import')).toBe(false);
    }
  });

  it('runs the CLI as the migration Job does, after it, with the legacy URLs from an existing Secret', () => {
    const objects = render({
      values: [ciValues('default')],
      set: { 'legacyImport.enabled': 'true', 'legacyImport.existingSecret': 'ttfd-legacy' },
    });
    const job = find(objects, 'Job', 'ttfd-legacy-import');
    const migrate = find(objects, 'Job', 'ttfd-migrate').spec.template.spec.containers[0];
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(migrate.image);
    expect(c.args).toEqual([...migrate.args.slice(0, -1), 'import-legacy']);
    expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'post-install,post-upgrade' });
    const refs = Object.fromEntries(
      c.env.filter((e: Json) => e.valueFrom).map((e: Json) => [e.name, e.valueFrom.secretKeyRef]),
    );
    expect(refs).toEqual({
      DATABASE_URL: { name: 'ttfd', key: 'database-url' },
      LEGACY_TELEGRAM_URL: { name: 'ttfd-legacy', key: 'telegram-url' },
      LEGACY_DISCORD_URL: { name: 'ttfd-legacy', key: 'discord-url' },
      LEGACY_WEBSITE_URL: { name: 'ttfd-legacy', key: 'website-url' },
    });
    expect(find(objects, 'NetworkPolicy', 'ttfd-legacy-import').spec.egress.at(-1).ports).toEqual([
      { port: 5432, protocol: 'TCP' },
    ]);
    expect(validateObjects(objects)).toEqual([]);
    expect(renderError({ values: [ciValues('default')], set: { 'legacyImport.enabled': 'true' } })).toContain(
      'legacyImport.enabled needs legacyImport.existingSecret',
    );
  });
});

describe('helm test', () => {
  const objects = render({ values: [ciValues('all-enabled')] });
  const tests = objects.filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
  const smoke = (objects: K8sObject[]) => find(objects, 'Pod', 'ttfd-test-smoke');
  const command = (pod: K8sObject) => pod.spec.containers[0].args;
  const databaseRef = (pod: K8sObject) =>
    pod.spec.containers[0].env.find((e: Json) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef;
  const overlayRender = (env: string) =>
    render({
      values: [path.join(repoRoot, 'k8s/overlays', env, 'values.yaml')],
      namespace: `ttfd-${env}`,
      set: { 'image.tag': '1.0.0' },
    });
  const valueSets: [string, () => K8sObject[]][] = [
    ...ciValuesFiles.map((f): [string, () => K8sObject[]] => [path.basename(f), () => render({ values: [f] })]),
    ...['dev', 'staging', 'production'].map((env): [string, () => K8sObject[]] => [
      `k8s/overlays/${env}`,
      () => overlayRender(env),
    ]),
  ];

  it('runs `ttfd smoke-test` from the migration image: /readyz of every enabled service, and one event through the worker', () => {
    const pod = smoke(objects);
    expect(pod.spec.containers[0].image).toBe(
      find(objects, 'Job', 'ttfd-migrate').spec.template.spec.containers[0].image,
    );
    expect(command(pod)).toEqual([
      'node',
      'services/migrate/dist/main.js',
      'smoke-test',
      '--health',
      'http://ttfd-website.ttfd.svc:3000/readyz',
      '--health',
      'http://ttfd-telegram.ttfd.svc:8081/readyz',
      '--health',
      'http://ttfd-discord.ttfd.svc:8082/readyz',
      '--health',
      'http://ttfd-sync-worker.ttfd.svc:8083/readyz',
      '--timeout',
      '60',
    ]);
    expect(command(smoke(render({ values: [ciValues('default')], set: { 'tests.timeoutSeconds': '90' } })))).toEqual([
      'node',
      'services/migrate/dist/main.js',
      'smoke-test',
      '--health',
      'http://ttfd-telegram.ttfd.svc:8081/readyz',
      '--health',
      'http://ttfd-sync-worker.ttfd.svc:8083/readyz',
      '--timeout',
      '90',
    ]);
    // Without a worker there is nothing to settle the event: only the health checks run.
    const noWorker = command(smoke(render({ values: [ciValues('default')], set: { 'syncWorker.enabled': 'false' } })));
    expect(noWorker).toContain('--no-event');
    expect(noWorker).not.toContain('http://ttfd-sync-worker.ttfd.svc:8083/readyz');
  });

  it('reads the database the Deployments read, in every database mode', () => {
    expect(databaseRef(smoke(objects))).toEqual({ name: 'ttfd', key: 'database-url' });
    expect(databaseRef(smoke(render({ values: [ciValues('cnpg')] })))).toEqual({ name: 'ttfd-db-app', key: 'uri' });
    expect(databaseRef(smoke(render({ values: [ciValues('existing-secrets')] })))).toEqual({
      name: 'ttfd-database',
      key: 'url',
    });
  });

  it.each(valueSets)(
    'with %s: one test Pod, a hook deleted once it passed, restricted and schema-valid',
    (_name, rendered) => {
      const all = rendered();
      const pods = all.filter((o) => o.kind === 'Pod');
      expect(pods.map((p) => p.metadata.name)).toEqual(['ttfd-test-smoke']);
      const pod = pods[0]!;
      expect(pod.metadata.annotations).toEqual({
        'helm.sh/hook': 'test',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      });
      expect(pod.metadata.labels!['app.kubernetes.io/component']).toBe('test');
      expect(pod.spec.restartPolicy).toBe('Never');
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.spec.containers).toHaveLength(1);
      expect(pod.spec.containers[0].securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // The read-only root filesystem leaves /tmp writable, as in every other pod.
      expect(pod.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(command(pod).slice(0, 3)).toEqual(['node', 'services/migrate/dist/main.js', 'smoke-test']);
      expect(validateObjects([pod])).toEqual([]);
    },
  );

  it('is admitted by the services’ NetworkPolicies and reaches the database through its own', () => {
    expect(tests.filter((o) => o.kind === 'Pod')).toHaveLength(1);
    const website = find(objects, 'NetworkPolicy', 'ttfd-website');
    const testPods = {
      podSelector: {
        matchLabels: {
          'app.kubernetes.io/name': 'ttfd',
          'app.kubernetes.io/instance': 'ttfd',
          'app.kubernetes.io/component': 'test',
        },
      },
    };
    expect(website.spec.ingress[0].from).toContainEqual(testPods);
    const own = find(objects, 'NetworkPolicy', 'ttfd-tests');
    expect(own.spec.podSelector).toEqual(testPods.podSelector);
    expect(own.spec.egress.some((rule: Json) => rule.ports.some((p: Json) => p.port === 5432))).toBe(true);
    expect(validateObjects(objects)).toEqual([]);
  });

  it('can be left out', () => {
    expect(
      render({ values: [ciValues('default')], set: { 'tests.enabled': 'false' } }).filter(
        (o) => o.metadata.annotations?.['helm.sh/hook'] === 'test',
      ),
    ).toEqual([]);
  });
});

describe('k8s add-ons and overlays', () => {
  const k8s = path.join(repoRoot, 'k8s');
  const overlayValues = (env: string) => path.join(k8s, 'overlays', env, 'values.yaml');

  it('install cert-manager and the ClusterIssuer the environments’ Ingress names', () => {
    const issuer = parseAllDocuments(readFileSync(path.join(k8s, 'addons/cluster-issuer.yaml'), 'utf8'))[0].toJS();
    expect(issuer).toMatchObject({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer' });
    expect(issuer.spec.acme.solvers[0].http01.ingress.ingressClassName).toBe('nginx');
    const install = readFileSync(path.join(k8s, 'addons/install.sh'), 'utf8');
    expect(install).toContain('jetstack/cert-manager');
    expect(install).toContain('cluster-issuer.yaml');
    for (const env of ['staging', 'production']) {
      const ingress = find(
        render({ values: [overlayValues(env)], namespace: `ttfd-${env}`, set: { 'image.tag': '1.0.0' } }),
        'Ingress',
        'ttfd',
      );
      expect(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe(issuer.metadata.name);
      expect(ingress.spec.tls).toHaveLength(1);
    }
  });

  it.each(['dev', 'staging', 'production'])(
    'overlays/%s labels the ServiceMonitor and the PrometheusRule for kube-prometheus-stack',
    (env) => {
      const objects = render({ values: [overlayValues(env)], namespace: `ttfd-${env}`, set: { 'image.tag': '1.0.0' } });
      expect(find(objects, 'ServiceMonitor', 'ttfd').metadata.labels).toMatchObject({
        release: 'kube-prometheus-stack',
      });
      expect(find(objects, 'PrometheusRule', 'ttfd').metadata.labels).toMatchObject({
        release: 'kube-prometheus-stack',
      });
    },
  );

  it('has the runbook and the READMEs name only the overlays’ namespaces', () => {
    const namespaces = readdirSync(path.join(k8s, 'overlays')).map((env) => `ttfd-${env}`);
    for (const file of ['docs/runbook.md', 'k8s/README.md', 'README.md']) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [, ns] of text.matchAll(/(?:\s-n|--namespace)[ =]"?([\w$-]+)"?/g)) {
        expect({
          file,
          ns,
          known: ['$NS', '$ns', 'ttfd-restore-drill'].includes(ns) || namespaces.includes(ns),
        }).toEqual({
          file,
          ns,
          known: true,
        });
      }
    }
  });
});

describe('every pod', () => {
  it('runs restricted in every render, new objects included', () => {
    const objects = render({
      values: [ciValues('cnpg')],
      set: { 'legacyImport.enabled': 'true', 'legacyImport.existingSecret': 'l' },
    });
    for (const { owner, spec } of podSpecs(objects)) {
      expect({ owner, runAsNonRoot: spec.securityContext.runAsNonRoot }).toEqual({ owner, runAsNonRoot: true });
    }
  });
});
