{{/* The website: its public URL, session secret, and the Discord OAuth and Telegram login credentials. */}}
{{- define "ttfd.env.website" -}}
{{- with include "ttfd.publicUrl" . }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
- name: SESSION_SECRET
  valueFrom:
    secretKeyRef:
      {{- if .Values.website.existingSecret }}
      name: {{ .Values.website.existingSecret }}
      key: {{ .Values.website.existingSecretKeys.sessionSecret }}
      {{- else }}
      name: {{ include "ttfd.fullname" . }}
      key: session-secret
      {{- end }}
{{- with .Values.discord.applicationId }}
- name: DISCORD_APPLICATION_ID
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_CLIENT_SECRET" "section" "discord" "field" "clientSecret" "key" "discord-client-secret") }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- end }}
