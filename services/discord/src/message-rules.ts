/** A message as the XP rules see it (parsed from the gateway by the transport). */
export interface MessageFacts {
  id: string;
  guildId: string | null;
  channelId: string;
  /** The parent channel of a thread, so excluding a channel excludes its threads. */
  parentChannelId: string | null;
  authorId: string;
  authorIsBot: boolean;
  webhookId: string | null;
  /** A system message (join notice, pin...) rather than something a member wrote. */
  system: boolean;
  content: string;
  roleIds: string[];
}

export interface MessageRules {
  /** Only this guild counts; null: any guild. */
  guildId: string | null;
  noXpChannelIds: ReadonlySet<string>;
  noXpRoleIds: ReadonlySet<string>;
  /** Null when message content is not available (no MessageContent intent). */
  minLength: number | null;
}

export type IneligibleReason =
  'dm' | 'other_guild' | 'bot' | 'webhook' | 'system' | 'excluded_channel' | 'excluded_role' | 'too_short';

/** Why a message earns nothing, or null when it counts. */
export function whyIneligible(m: MessageFacts, rules: MessageRules): IneligibleReason | null {
  if (m.guildId === null) return 'dm';
  if (rules.guildId !== null && m.guildId !== rules.guildId) return 'other_guild';
  if (m.webhookId !== null) return 'webhook';
  if (m.authorIsBot) return 'bot';
  if (m.system) return 'system';
  if (rules.noXpChannelIds.has(m.channelId)) return 'excluded_channel';
  if (m.parentChannelId !== null && rules.noXpChannelIds.has(m.parentChannelId)) return 'excluded_channel';
  if (m.roleIds.some((r) => rules.noXpRoleIds.has(r))) return 'excluded_role';
  if (rules.minLength !== null && m.content.trim().length < rules.minLength) return 'too_short';
  return null;
}
