{{/*
The long-running services. Adding one is an entry here plus its values key; the Deployment,
Service, PDB, HPA, NetworkPolicy and ServiceMonitor templates range over this list.
  name: the folder under services/ and the image suffix; key: its values key;
  port: the one HTTP port (/healthz, /readyz, /metrics); ingressPath: routed by the Ingress;
  autoscaling: may have an HPA.
*/}}
{{- define "ttfd.services" -}}
- name: website
  key: website
  port: 3000
  ingressPath: /
  ingressPathType: Prefix
  autoscaling: true
- name: telegram
  key: telegram
  port: 8081
  ingressPath: /telegram/webhook
  ingressPathType: Exact
  autoscaling: false
- name: discord
  key: discord
  port: 8082
  autoscaling: false
- name: sync-worker
  key: syncWorker
  port: 8083
  autoscaling: true
{{- end }}

{{- define "ttfd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ttfd.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ttfd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Immutable: used in Deployment and PDB selectors. Call with (dict "root" $ "component" "x"). */}}
{{- define "ttfd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ttfd.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{/* Call with (dict "root" $ "component" "x"); component may be empty. */}}
{{- define "ttfd.labels" -}}
helm.sh/chart: {{ include "ttfd.chart" .root }}
{{ include "ttfd.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: ttfd
{{- end }}

{{- define "ttfd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ttfd.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image of a service. Call with (dict "root" $ "name" "sync-worker" "image" <values.image>). */}}
{{- define "ttfd.image" -}}
{{- $g := .root.Values.image }}
{{- $repository := .image.repository | default (printf "%s/%s-%s" $g.registry $g.repositoryPrefix .name) }}
{{- $tag := .image.tag | default $g.tag | default .root.Chart.AppVersion }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}

{{- define "ttfd.cnpgClusterName" -}}
{{- printf "%s-db" (include "ttfd.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fails unless exactly one database source is set. */}}
{{- define "ttfd.validateDatabase" -}}
{{- $sources := 0 }}
{{- if .Values.database.url }}{{ $sources = add1 $sources }}{{ end }}
{{- if .Values.database.existingSecret }}{{ $sources = add1 $sources }}{{ end }}
{{- if .Values.cnpg.enabled }}{{ $sources = add1 $sources }}{{ end }}
{{- if ne (int $sources) 1 }}
{{- fail "set exactly one of database.url, database.existingSecret or cnpg.enabled=true" }}
{{- end }}
{{- end }}

{{/* secretKeyRef of DATABASE_URL as seen by the Deployments. */}}
{{- define "ttfd.databaseSecretRef" -}}
{{- if .Values.cnpg.enabled }}
name: {{ include "ttfd.cnpgClusterName" . }}-app
key: uri
{{- else if .Values.database.existingSecret }}
name: {{ .Values.database.existingSecret }}
key: {{ .Values.database.existingSecretKey }}
{{- else }}
name: {{ include "ttfd.fullname" . }}
key: database-url
{{- end }}
{{- end }}

{{/* secretKeyRef of DATABASE_URL as seen by the migration hook, which runs before the chart's Secret exists. */}}
{{- define "ttfd.migrateDatabaseSecretRef" -}}
{{- if .Values.database.url }}
name: {{ include "ttfd.fullname" . }}-migrate
key: database-url
{{- else }}
{{- include "ttfd.databaseSecretRef" . }}
{{- end }}
{{- end }}

{{/* The migration runs as a pre-install/pre-upgrade hook unless the chart makes the database itself. */}}
{{- define "ttfd.migrateAsHook" -}}
{{- if not .Values.cnpg.enabled }}true{{ end }}
{{- end }}

{{/*
A secretKeyRef for one secret value of a values section, or nothing when neither the value nor an
existing Secret is configured. Call with (dict "root" $ "section" "telegram" "field" "token" "key" "telegram-token").
*/}}
{{- define "ttfd.secretRef" -}}
{{- $s := index .root.Values .section }}
{{- if $s.existingSecret }}
name: {{ $s.existingSecret }}
key: {{ index $s.existingSecretKeys .field }}
{{- else if index $s .field }}
name: {{ include "ttfd.fullname" .root }}
key: {{ .key }}
{{- end }}
{{- end }}

{{/* Secrets the chart generates when not given: kept across upgrades by reading the live Secret. */}}
{{- define "ttfd.generatedSecret" -}}
{{- $live := lookup "v1" "Secret" .root.Release.Namespace (include "ttfd.fullname" .root) }}
{{- if and $live $live.data (hasKey $live.data .key) }}
{{- index $live.data .key | b64dec }}
{{- else }}
{{- randAlphaNum 48 }}
{{- end }}
{{- end }}

{{- define "ttfd.telegramWebhookUrl" -}}
{{- if .Values.telegram.webhookUrl }}
{{- .Values.telegram.webhookUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.host }}
{{- printf "https://%s/telegram/webhook" .Values.ingress.host }}
{{- end }}
{{- end }}

{{- define "ttfd.telegramMode" -}}
{{- if .Values.telegram.mode }}
{{- .Values.telegram.mode }}
{{- else }}
{{- ternary "webhook" "polling" (not (empty (include "ttfd.telegramWebhookUrl" .))) }}
{{- end }}
{{- end }}

{{- define "ttfd.webhookGenerated" -}}
{{- if and .Values.telegram.enabled (eq (include "ttfd.telegramMode" .) "webhook") (not .Values.telegram.existingSecret) (not .Values.telegram.webhookSecret) }}true{{ end }}
{{- end }}

{{- define "ttfd.sessionGenerated" -}}
{{- if and .Values.website.enabled (not .Values.website.existingSecret) (not .Values.website.sessionSecret) }}true{{ end }}
{{- end }}

{{- define "ttfd.publicUrl" -}}
{{- if .Values.website.publicUrl }}
{{- .Values.website.publicUrl }}
{{- else if .Values.ingress.host }}
{{- printf "https://%s" .Values.ingress.host }}
{{- end }}
{{- end }}

{{- define "ttfd.env.secret" -}}
{{- $ref := include "ttfd.secretRef" (dict "root" .root "section" .section "field" .field "key" .key) | trim }}
{{- if $ref }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      {{- $ref | trim | nindent 6 }}
{{- end }}
{{- end }}

{{/* Environment of one service. Call with (dict "root" $ "svc" <entry of ttfd.services>). */}}
{{- define "ttfd.env" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $values := index $v .svc.key }}
{{- $fullname := include "ttfd.fullname" $root }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "ttfd.databaseSecretRef" $root | trim | nindent 6 }}
- name: PORT
  value: {{ .svc.port | quote }}
{{- if not (hasKey $values.env "LOG_LEVEL") }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
{{- end }}
{{- $publicUrl := include "ttfd.publicUrl" $root }}
{{- if eq .svc.name "website" }}
{{- if $publicUrl }}
- name: PUBLIC_URL
  value: {{ $publicUrl | quote }}
{{- end }}
- name: SESSION_SECRET
  valueFrom:
    secretKeyRef:
      {{- if $v.website.existingSecret }}
      name: {{ $v.website.existingSecret }}
      key: {{ $v.website.existingSecretKeys.sessionSecret }}
      {{- else }}
      name: {{ $fullname }}
      key: session-secret
      {{- end }}
{{- with $v.discord.applicationId }}
- name: DISCORD_APPLICATION_ID
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "DISCORD_CLIENT_SECRET" "section" "discord" "field" "clientSecret" "key" "discord-client-secret") }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- else if eq .svc.name "telegram" }}
{{- if not (include "ttfd.secretRef" (dict "root" $root "section" "telegram" "field" "token" "key" "telegram-token")) }}
{{- fail "telegram.enabled needs telegram.token or telegram.existingSecret" }}
{{- end }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- $mode := include "ttfd.telegramMode" $root }}
- name: TELEGRAM_MODE
  value: {{ $mode | quote }}
{{- if eq $mode "webhook" }}
- name: TELEGRAM_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      {{- if $v.telegram.existingSecret }}
      name: {{ $v.telegram.existingSecret }}
      key: {{ $v.telegram.existingSecretKeys.webhookSecret }}
      {{- else }}
      name: {{ $fullname }}
      key: telegram-webhook-secret
      {{- end }}
{{- $webhookUrl := include "ttfd.telegramWebhookUrl" $root }}
{{- if $webhookUrl }}
- name: TELEGRAM_WEBHOOK_URL
  value: {{ $webhookUrl | quote }}
{{- end }}
{{- end }}
{{- with $v.telegram.apiRoot }}
- name: TELEGRAM_API_ROOT
  value: {{ . | quote }}
{{- end }}
{{- else if eq .svc.name "discord" }}
{{- if not (include "ttfd.secretRef" (dict "root" $root "section" "discord" "field" "token" "key" "discord-token")) }}
{{- fail "discord.enabled needs discord.token or discord.existingSecret" }}
{{- end }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "DISCORD_TOKEN" "section" "discord" "field" "token" "key" "discord-token") }}
{{- with $v.discord.applicationId }}
- name: DISCORD_APPLICATION_ID
  value: {{ . | quote }}
{{- end }}
{{- with $v.discord.guildId }}
- name: DISCORD_GUILD_ID
  value: {{ . | quote }}
{{- end }}
{{- else if eq .svc.name "sync-worker" }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- with $v.telegram.apiRoot }}
- name: TELEGRAM_API_ROOT
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.env.secret" (dict "root" $root "name" "DISCORD_TOKEN" "section" "discord" "field" "token" "key" "discord-token") }}
{{- with $v.discord.guildId }}
- name: DISCORD_GUILD_ID
  value: {{ . | quote }}
{{- end }}
{{- if $publicUrl }}
- name: PUBLIC_URL
  value: {{ $publicUrl | quote }}
{{- end }}
{{- end }}
{{- range $name, $value := $values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* The volumes every pod mounts: a writable /tmp on a read-only root filesystem. */}}
{{- define "ttfd.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{- define "ttfd.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* Pod-level settings shared by Deployments and Jobs. */}}
{{- define "ttfd.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A container that waits until the database accepts TCP connections (CNPG mode). */}}
{{- define "ttfd.waitForDatabase" -}}
- name: wait-for-database
  image: {{ include "ttfd.image" (dict "root" . "name" "migrate" "image" .Values.migrations.image) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - node
    - -e
    - |
      const { hostname, port } = new URL(process.env.DATABASE_URL);
      const net = require('node:net');
      const attempt = () => {
        const socket = net.connect(Number(port) || 5432, hostname);
        socket.once('connect', () => { socket.end(); process.exit(0); });
        socket.once('error', () => { socket.destroy(); setTimeout(attempt, 2000); });
      };
      console.log(`waiting for ${hostname}:${Number(port) || 5432}`);
      attempt();
  env:
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          {{- include "ttfd.databaseSecretRef" . | trim | nindent 10 }}
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
  resources:
    requests:
      cpu: 10m
      memory: 32Mi
    limits:
      memory: 64Mi
{{- end }}

{{/* A container that waits until no migration is pending (CNPG mode, where the migration is not a hook). */}}
{{- define "ttfd.waitForSchema" -}}
- name: wait-for-schema
  image: {{ include "ttfd.image" (dict "root" . "name" "migrate" "image" .Values.migrations.image) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - sh
    - -c
    - until node services/migrate/dist/main.js migrate --check; do sleep 5; done
  env:
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          {{- include "ttfd.databaseSecretRef" . | trim | nindent 10 }}
    - name: LOG_LEVEL
      value: {{ .Values.logLevel | quote }}
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
  volumeMounts:
    {{- include "ttfd.tmpVolumeMount" . | nindent 4 }}
{{- end }}

{{/* Egress rules every pod of the release needs: cluster DNS and the database. */}}
{{- define "ttfd.egress.dnsAndDatabase" -}}
- to:
    {{- toYaml .Values.networkPolicy.dnsTo | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- if .Values.cnpg.enabled }}
- to:
    - podSelector:
        matchLabels:
          cnpg.io/cluster: {{ include "ttfd.cnpgClusterName" . }}
  ports:
    - port: 5432
      protocol: TCP
{{- else }}
- ports:
    - port: {{ .Values.networkPolicy.databasePort }}
      protocol: TCP
  {{- with .Values.networkPolicy.databaseTo }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
