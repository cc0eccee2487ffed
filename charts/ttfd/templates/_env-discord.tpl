{{/* The Discord bot: its token, application and guild. */}}
{{- define "ttfd.env.discord" -}}
{{- if not (include "ttfd.secretRef" (dict "root" . "section" "discord" "field" "token" "key" "discord-token")) }}
{{- fail "discord.enabled needs discord.token or discord.existingSecret" }}
{{- end }}
{{- include "ttfd.secretEnv" (dict "root" . "name" "DISCORD_TOKEN" "section" "discord" "field" "token" "key" "discord-token") }}
{{- with .Values.discord.applicationId }}
- name: DISCORD_APPLICATION_ID
  value: {{ . | quote }}
{{- end }}
{{- with .Values.discord.guildId }}
- name: DISCORD_GUILD_ID
  value: {{ . | quote }}
{{- end }}
{{- end }}
