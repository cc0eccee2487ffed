{{/* The website: its public URL, session secret, and the Discord OAuth and Telegram login credentials. */}}
{{- define "ttfd.env.website" -}}
{{- with include "ttfd.publicUrl" . }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
- name: TRUST_PROXY
  value: {{ .Values.website.trustProxy | toString | quote }}
- name: LEADERBOARD_CACHE_MS
  value: {{ .Values.website.leaderboardCacheMs | toString | quote }}
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
{{- if .Values.website.existingSecret }}
- name: DISCORD_TOKEN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.website.existingSecret }}
      key: {{ .Values.website.existingSecretKeys.discordTokenKey }}
      optional: true
{{- else if .Values.website.discordTokenKey }}
- name: DISCORD_TOKEN_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "ttfd.fullname" . }}
      key: discord-token-key
{{- end }}
{{- with .Values.discord.applicationId }}
- name: DISCORD_CLIENT_ID
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_CLIENT_SECRET" "section" "discord" "field" "clientSecret" "key" "discord-client-secret") }}
{{- with .Values.discord.apiRoot }}
- name: DISCORD_API_ROOT
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- with .Values.telegram.botUsername }}
- name: TELEGRAM_BOT_USERNAME
  value: {{ . | trimPrefix "@" | quote }}
{{- end }}
{{- with .Values.website.adminEmails }}
- name: ADMIN_EMAILS
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
