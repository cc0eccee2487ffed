{{/* The Telegram bot: its token, and in webhook mode the webhook's secret and URL. */}}
{{- define "ttfd.env.telegram" -}}
{{- if not (include "ttfd.secretRef" (dict "root" . "section" "telegram" "field" "token" "key" "telegram-token")) }}
{{- fail "telegram.enabled needs telegram.token or telegram.existingSecret" }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- $mode := include "ttfd.telegramMode" . }}
- name: TELEGRAM_MODE
  value: {{ $mode | quote }}
{{- if eq $mode "webhook" }}
- name: TELEGRAM_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      {{- if .Values.telegram.existingSecret }}
      name: {{ .Values.telegram.existingSecret }}
      key: {{ .Values.telegram.existingSecretKeys.webhookSecret }}
      {{- else }}
      name: {{ include "ttfd.fullname" . }}
      key: telegram-webhook-secret
      {{- end }}
{{- with include "ttfd.telegramWebhookUrl" . }}
- name: TELEGRAM_WEBHOOK_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .Values.telegram.apiRoot }}
- name: TELEGRAM_API_ROOT
  value: {{ . | quote }}
{{- end }}
{{- end }}
