{{/* The sync worker: both platforms' credentials (it sends notifications and syncs Discord roles) and the public URL for links. */}}
{{- define "ttfd.env.sync-worker" -}}
{{- include "ttfd.secretEnv" (dict "root" . "name" "TELEGRAM_BOT_TOKEN" "section" "telegram" "field" "token" "key" "telegram-token") }}
{{- with .Values.telegram.apiRoot }}
- name: TELEGRAM_API_ROOT
  value: {{ . | quote }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_TOKEN" "section" "discord" "field" "token" "key" "discord-token") }}
{{- with .Values.discord.guildId }}
- name: DISCORD_GUILD_ID
  value: {{ . | quote }}
{{- end }}
{{- if .Values.discord.linkedRoles }}
{{- if not (include "ttfd.secretRef" (dict "root" . "section" "discord" "field" "tokenKey" "key" "discord-token-key")) }}
{{- fail "discord.linkedRoles needs discord.tokenKey or discord.existingSecret" }}
{{- end }}
{{- if not .Values.discord.applicationId }}
{{- fail "discord.linkedRoles needs discord.applicationId" }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_TOKEN_KEY" "section" "discord" "field" "tokenKey" "key" "discord-token-key") }}
- name: DISCORD_APPLICATION_ID
  value: {{ .Values.discord.applicationId | quote }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_CLIENT_SECRET" "section" "discord" "field" "clientSecret" "key" "discord-client-secret") }}
{{- end }}
{{- with include "ttfd.publicUrl" . }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
{{- end }}
