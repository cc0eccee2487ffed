{{/* Where the database comes from, how pods reach it, and the containers that wait for it. */}}

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

{{/* The name of the CloudNativePG-mode migration Job: changes with what the Job runs, never with the revision. */}}
{{- define "ttfd.migrateJobName" -}}
{{- $image := include "ttfd.image" (dict "root" . "name" "migrate" "image" .Values.migrations.image) }}
{{- $what := printf "%s|%s|%s|%s" $image .Chart.Version (toJson .Values.migrations) (toJson .Values.podSecurityContext) }}
{{- printf "%s-migrate-%s" (include "ttfd.fullname" .) (sha256sum $what | trunc 10) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The migration runs as a pre-install/pre-upgrade hook unless the chart makes the database itself. */}}
{{- define "ttfd.migrateAsHook" -}}
{{- if not .Values.cnpg.enabled }}true{{ end }}
{{- end }}

{{/*
A container that waits until the database answers (CNPG mode: the Cluster is created with the
release). `ttfd db wait` retries with backoff and exits 1 after migrations.databaseWaitSeconds, which
fails the pod; the Job then retries up to migrations.backoffLimit.
*/}}
{{- define "ttfd.waitForDatabase" -}}
- name: wait-for-database
  image: {{ include "ttfd.image" (dict "root" . "name" "migrate" "image" .Values.migrations.image) }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  args:
    - node
    - services/migrate/dist/main.js
    - db
    - wait
    - --timeout
    - {{ .Values.migrations.databaseWaitSeconds | quote }}
  env:
    - name: DATABASE_URL
      valueFrom:
        secretKeyRef:
          {{- include "ttfd.databaseSecretRef" . | trim | nindent 10 }}
  securityContext:
    {{- toYaml .Values.containerSecurityContext | nindent 4 }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
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
