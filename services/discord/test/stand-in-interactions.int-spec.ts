import {
  AttachmentBuilder,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
} from 'discord.js';
import { CALLBACK, MESSAGE_FLAGS, startFakeDiscord, waitUntil, type FakeDiscord } from '@ttfd/testing';
import { addCommunityGuild, GUILD, member, TEXT, TOKEN } from './harness';

// The stand-in's interactions as a bare discord.js client sees them: what the bot's command tests rely on.
let fake: FakeDiscord;
let client: Client;
const received: Interaction[] = [];
const EVA = member('400000000000000001');

beforeAll(async () => {
  fake = await startFakeDiscord();
  addCommunityGuild(fake, [EVA]);
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.url } });
  client.on('interactionCreate', (i) => void received.push(i));
  await client.login(TOKEN);
  await waitUntil(() => client.isReady(), 10_000, 'the client');
});
afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

async function next<T extends Interaction>(id: string): Promise<T> {
  return (await waitUntil(() => received.find((i) => i.id === id), 5000, `interaction ${id}`)) as T;
}

const raw = (method: string, path: string, body?: unknown) =>
  fetch(`${fake.url}/v10${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (res.status === 204 ? null : await res.json()) as any }));

describe('interactions at the stand-in', () => {
  it('dispatches a chat-input command with its options, locale and member, and takes a multipart reply', async () => {
    const sent = fake.interactions.runCommand({
      guildId: GUILD,
      channelId: TEXT,
      member: EVA,
      name: 'top',
      locale: 'ru',
      options: [{ name: 'page', type: 4, value: 2 }],
    });
    const interaction = await next<ChatInputCommandInteraction>(sent.id);
    expect([interaction.commandName, interaction.options.getInteger('page'), interaction.locale]).toEqual([
      'top',
      2,
      'ru',
    ]);
    expect([interaction.user.id, interaction.guildId, interaction.channelId]).toEqual([EVA.user.id, GUILD, TEXT]);
    await interaction.reply({
      embeds: [{ title: 'card' }],
      files: [new AttachmentBuilder(Buffer.from('png bytes'), { name: 'card.png' })],
      flags: MessageFlags.Ephemeral,
    });
    expect(sent.steps.map((s) => [s.kind, s.code])).toEqual([['callback', CALLBACK.Reply]]);
    expect(sent.original!.flags & MESSAGE_FLAGS.Ephemeral).not.toBe(0);
    expect(sent.original!.attachments.map((a) => [a.filename, a.data.toString()])).toEqual([['card.png', 'png bytes']]);
    const followUp = await interaction.followUp({ content: 'more' });
    expect(followUp.content).toBe('more');
    expect(sent.followups.map((m) => m.content)).toEqual(['more']);
  });

  it('refuses a second acknowledgement (40060) and an edit before any (10015)', async () => {
    const sent = fake.interactions.runCommand({ guildId: GUILD, channelId: TEXT, member: EVA, name: 'daily' });
    await next(sent.id);
    const early = await raw('PATCH', `/webhooks/${sent.applicationId}/${sent.token}/messages/@original`, {
      content: 'x',
    });
    expect([early.status, early.body.code]).toEqual([404, 10015]);
    expect((await raw('POST', `/interactions/${sent.id}/${sent.token}/callback`, { type: 5, data: {} })).status).toBe(
      204,
    );
    const again = await raw('POST', `/interactions/${sent.id}/${sent.token}/callback`, {
      type: 4,
      data: { content: 'x' },
    });
    expect([again.status, again.body.code]).toEqual([400, 40060]);
    const wrongToken = await raw('POST', `/interactions/${sent.id}/not-the-token/callback`, { type: 4, data: {} });
    expect([wrongToken.status, wrongToken.body.code]).toEqual([404, 10062]);
    const edit = await raw('PATCH', `/webhooks/${sent.applicationId}/${sent.token}/messages/@original`, {
      content: 'done',
    });
    expect(edit.status).toBe(200);
    expect(sent.original!.content).toBe('done');
    expect(sent.original!.flags & MESSAGE_FLAGS.Loading).toBe(0);
  });

  it('expires an interaction not acknowledged within 3 s: Discord answers 10062 Unknown interaction', async () => {
    const sent = fake.interactions.runCommand({ guildId: GUILD, channelId: TEXT, member: EVA, name: 'profile' });
    const interaction = await next<ChatInputCommandInteraction>(sent.id);
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const error = await interaction.reply({ content: 'too late' }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect(sent.original).toBeNull();
  });

  it('dispatches a button press on a message the application sent, and updates that message', async () => {
    const sent = fake.interactions.runCommand({ guildId: GUILD, channelId: TEXT, member: EVA, name: 'link' });
    const command = await next<ChatInputCommandInteraction>(sent.id);
    await command.reply({
      content: 'sure?',
      components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Yes', custom_id: 'yes:1' }] }],
    });
    expect(fake.interactions.buttonsOf(sent.original!)).toEqual([{ customId: 'yes:1', label: 'Yes', disabled: false }]);
    const press = fake.interactions.pressButton({
      message: sent.original!,
      customId: 'yes:1',
      member: EVA,
      guildId: GUILD,
    });
    const button = await next<ButtonInteraction>(press.id);
    expect([button.customId, button.message.id, button.message.content]).toEqual(['yes:1', sent.original!.id, 'sure?']);
    await button.update({ content: 'done', components: [] });
    expect(sent.original!.content).toBe('done');
    expect(fake.interactions.buttonsOf(sent.original!)).toEqual([]);
  });
});
