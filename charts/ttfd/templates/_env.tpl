{{/*
Environment of one service: what every service gets, then its own (define "ttfd.env.<name>" in
_env-<name>.tpl, called with the root context), then the plain variables of its values' env, then its extraEnv (EnvVars, valueFrom included).
Call with (dict "root" $ "svc" <entry of ttfd.services>).
*/}}
{{- define "ttfd.env" -}}
{{- $values := index .root.Values .svc.key }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "ttfd.databaseSecretRef" .root | trim | nindent 6 }}
- name: PORT
  value: {{ .svc.port | quote }}
{{- if not (hasKey $values.env "LOG_LEVEL") }}
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
{{- end }}
{{- if not (hasKey $values.env "SHUTDOWN_GRACE_SECONDS") }}
{{- /* The drain (after the preStop sleep, if any) ends before the kubelet's SIGKILL, with a few seconds to spare. */}}
{{- $preStop := ternary (int .root.Values.preStopSleepSeconds) 0 (not (empty .svc.ingressPath)) }}
- name: SHUTDOWN_GRACE_SECONDS
  value: {{ max 1 (sub (sub (int .root.Values.terminationGracePeriodSeconds) $preStop) 5) | quote }}
{{- end }}
{{- include (printf "ttfd.env.%s" .svc.name) .root }}
{{- range $name, $value := $values.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- with $values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
