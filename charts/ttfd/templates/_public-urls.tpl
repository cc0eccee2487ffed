{{/* The public URLs the release is reached at, and the Telegram mode that follows from them. */}}

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

{{- define "ttfd.publicUrl" -}}
{{- if .Values.website.publicUrl }}
{{- .Values.website.publicUrl }}
{{- else if .Values.ingress.host }}
{{- printf "https://%s" .Values.ingress.host }}
{{- end }}
{{- end }}
