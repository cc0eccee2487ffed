import { whyIneligible, type MessageFacts, type MessageRules } from './message-rules';

const message = (extra: Partial<MessageFacts> = {}): MessageFacts => ({
  id: '1',
  guildId: '10',
  channelId: '20',
  parentChannelId: null,
  authorId: '30',
  authorIsBot: false,
  webhookId: null,
  system: false,
  content: 'hello there',
  roleIds: [],
  ...extra,
});

const rules: MessageRules = {
  guildId: '10',
  noXpChannelIds: new Set(['21']),
  noXpRoleIds: new Set(['40']),
  minLength: 3,
};

describe('whyIneligible', () => {
  it('counts a member writing in a guild text channel', () => {
    expect(whyIneligible(message(), rules)).toBeNull();
  });

  it.each([
    ['dm', { guildId: null }],
    ['other_guild', { guildId: '11' }],
    ['webhook', { webhookId: '50' }],
    ['bot', { authorIsBot: true }],
    ['system', { system: true }],
    ['excluded_channel', { channelId: '21' }],
    ['excluded_channel', { channelId: '22', parentChannelId: '21' }],
    ['excluded_role', { roleIds: ['41', '40'] }],
    ['too_short', { content: ' ok ' }],
  ] as const)('refuses %s', (reason, extra) => {
    expect(whyIneligible(message(extra), rules)).toBe(reason);
  });

  it('does not judge length when content is not available', () => {
    expect(whyIneligible(message({ content: '' }), { ...rules, minLength: null })).toBeNull();
  });
});
