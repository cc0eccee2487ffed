{{/* Names, labels and images of the release's objects. */}}

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
app.kubernetes.io/version: {{ include "ttfd.version" .root | quote }}
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

{{/* The release's version: image.tag, required (no silent fallback to the chart's appVersion). */}}
{{- define "ttfd.version" -}}
{{- $tag := required "image.tag is required: the release's version (e.g. --set image.tag=1.4.0); the chart never falls back to its appVersion" .Values.image.tag }}
{{- $tag | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The image of a service: <repository>:<tag>, or <repository>:<tag>@<digest> when the service's
image.digest pins it. Call with (dict "root" $ "name" "sync-worker" "image" <values.image>).
*/}}
{{- define "ttfd.image" -}}
{{- $g := .root.Values.image }}
{{- $repository := .image.repository | default (printf "%s/%s-%s" $g.registry $g.repositoryPrefix .name) }}
{{- $tag := .image.tag | default (required "image.tag is required: the release's version (e.g. --set image.tag=1.4.0); the chart never falls back to its appVersion" $g.tag) }}
{{- if .image.digest }}
{{- printf "%s:%s@%s" $repository $tag .image.digest }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}
