import WebSocket from 'ws';
import { waitUntil } from '../src/http-fake';
import { PLAYGROUND_GUILD_ID, PLAYGROUND_TOKENS, startPlayground, type Playground } from '../src/playground';

let playground: Playground;
beforeAll(async () => {
  playground = await startPlayground({ telegram: true, discord: true });
});
afterAll(async () => {
  await playground?.close();
});

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${playground.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
};
/** What the bot does, in the Bot API's wire format. */
const botApi = async (method: string, params: object) => {
  const res = await fetch(`${playground.telegram!.url}/bot${PLAYGROUND_TOKENS.telegram}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return ((await res.json()) as { result: any }).result;
};
const discordRest = (method: string, path: string, body?: object) =>
  fetch(`${playground.discord!.url}/v10${path}`, {
    method,
    headers: { authorization: `Bot ${PLAYGROUND_TOKENS.discord}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });

it('describes the players, the guild and its rank roles named as the catalogue names ranks', async () => {
  const { status, body } = await api('GET', '/playground');
  expect(status).toBe(200);
  expect(body.telegram).toBe(true);
  expect(body.players.map((p: { name: string }) => p.name)).toEqual(['alice', 'boris', 'chen']);
  expect(body.guild.id).toBe(PLAYGROUND_GUILD_ID);
  expect(body.guild.rank_roles.map((r: { name: string }) => r.name).slice(0, 3)).toEqual([
    'Recruit',
    'Private',
    'Corporal',
  ]);
  expect(playground.serviceEnv).toMatchObject({
    TELEGRAM_BOT_TOKEN: PLAYGROUND_TOKENS.telegram,
    DISCORD_GUILD_ID: PLAYGROUND_GUILD_ID,
  });
});

it('passes a test player’s Telegram message and button press to the bot, and the bot’s replies back', async () => {
  const sent = await api('POST', '/playground/telegram/send', { player: 'alice', text: '/dice' });
  expect(sent.status).toBe(200);
  const [update] = await botApi('getUpdates', { offset: 0, timeout: 0 });
  expect(update).toMatchObject({
    update_id: sent.body.update_id,
    message: { from: { first_name: 'alice' }, text: '/dice', entities: [{ type: 'bot_command', length: 5 }] },
  });
  const chatId = update.message.chat.id;
  const reply = await botApi('sendMessage', {
    chat_id: chatId,
    text: 'Join?',
    reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'merge:1' }]] },
  });
  const pressed = await api('POST', '/playground/telegram/press', {
    player: 'alice',
    message_id: reply.message_id,
    data: 'merge:1',
  });
  expect(pressed.status).toBe(200);
  const updates = await botApi('getUpdates', { offset: update.update_id + 1, timeout: 0 });
  expect(updates[0].callback_query).toMatchObject({ data: 'merge:1', message: { message_id: reply.message_id } });
  await botApi('editMessageText', { chat_id: chatId, message_id: reply.message_id, text: 'Joined.' });

  const { body } = await api('GET', '/playground/transcript?after=0');
  expect(body.entries.map((e: any) => [e.kind, e.player, e.text ?? e.pressed])).toEqual([
    ['telegram_update', 'alice', '/dice'],
    ['telegram_message', 'alice', 'Join?'],
    ['telegram_update', 'alice', 'merge:1'],
    ['telegram_edit', 'alice', 'Joined.'],
  ]);
  expect(body.entries[1].buttons).toEqual([[{ text: 'Yes', data: 'merge:1' }]]);
  expect(body.cursor).toBe(4);
  expect((await api('GET', `/playground/transcript?after=${body.cursor}`)).body).toEqual({ entries: [], cursor: 4 });
});

it('posts a test player’s Discord message on the gateway and shows the bot’s DMs and role changes', async () => {
  const socket = new WebSocket(playground.discord!.gateway.url);
  const dispatches: any[] = [];
  socket.on('message', (raw) => {
    const payload = JSON.parse(String(raw));
    if (payload.op === 10) {
      socket.send(JSON.stringify({ op: 2, d: { token: PLAYGROUND_TOKENS.discord, intents: (1 << 9) | (1 << 15) } }));
    }
    if (payload.op === 0) dispatches.push(payload);
  });
  try {
    await waitUntil(() => dispatches.some((d) => d.t === 'READY'), 10_000, 'READY');
    const { cursor } = (await api('GET', '/playground/transcript')).body;
    const sent = await api('POST', '/playground/discord/message', {
      player: 'boris',
      channel: 'general',
      content: 'hello',
    });
    expect(sent.status).toBe(200);
    const created = await waitUntil(() => dispatches.find((d) => d.t === 'MESSAGE_CREATE'), 10_000, 'the message');
    expect(created.d).toMatchObject({ id: sent.body.id, content: 'hello', author: { global_name: 'boris' } });

    const borisId = created.d.author.id;
    const dm = (await (await discordRest('POST', '/users/@me/channels', { recipient_id: borisId })).json()) as any;
    await discordRest('POST', `/channels/${dm.id}/messages`, { content: 'New rank: Private!' });
    const privateRole = (await api('GET', '/playground')).body.guild.rank_roles[1].roleId;
    expect(
      (await discordRest('PUT', `/guilds/${PLAYGROUND_GUILD_ID}/members/${borisId}/roles/${privateRole}`)).status,
    ).toBe(204);

    // A waiting reader is answered as soon as there is something new.
    const { body } = await api('GET', `/playground/transcript?after=${cursor}&wait=5000`);
    expect(body.entries.map((e: any) => [e.kind, e.player, e.content ?? e.role])).toEqual([
      ['discord_message', 'boris', 'hello'],
      ['discord_dm', 'boris', 'New rank: Private!'],
      ['discord_role', 'boris', 'Private'],
    ]);
    expect(body.entries[2].change).toBe('added');
    const { members } = (await api('GET', '/playground')).body.guild;
    expect(members).toEqual([
      { player: 'alice', roles: [] },
      { player: 'boris', roles: ['Private'] },
      { player: 'chen', roles: [] },
    ]);
  } finally {
    socket.close();
  }
});

it('refuses what a player could not do, saying why, and records nothing', async () => {
  const before = (await api('GET', '/playground/transcript')).body.cursor;
  expect(await api('POST', '/playground/telegram/send', { player: 'mallory', text: 'hi' })).toEqual({
    status: 404,
    body: { error: 'no test player "mallory"; players: alice, boris, chen' },
  });
  expect(await api('POST', '/playground/telegram/send', { player: 'alice', text: '  ' })).toEqual({
    status: 400,
    body: { error: 'text must be a non-empty string' },
  });
  expect(
    await api('POST', '/playground/discord/message', { player: 'alice', channel: 'lounge', content: 'x' }),
  ).toEqual({
    status: 404,
    body: { error: 'no text channel "lounge"; channels: general, games' },
  });
  expect(await api('POST', '/playground/telegram/press', { player: 'chen', message_id: 1, data: 'x' })).toEqual({
    status: 404,
    body: { error: "no bot message 1 in chen's Telegram chat" },
  });
  expect((await api('POST', '/playground/telegram/send', '{nope')).body).toEqual({ error: 'the body is not JSON' });
  expect((await api('GET', '/playground/transcript?after=-1')).status).toBe(400);
  expect((await api('GET', '/playground/transcript')).body.cursor).toBe(before);

  const telegramOnly = await startPlayground({ telegram: true, discord: false });
  try {
    const res = await fetch(`${telegramOnly.url}/playground/discord/message`, {
      method: 'POST',
      body: JSON.stringify({ player: 'alice', channel: 'general', content: 'hi' }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'Discord is the real platform in this run (DISCORD_TOKEN is set)' });
  } finally {
    await telegramOnly.close();
  }
});

it('runs a test player’s slash command and button press through INTERACTION_CREATE, and shows the answers', async () => {
  const socket = new WebSocket(playground.discord!.gateway.url);
  const dispatches: any[] = [];
  socket.on('message', (raw) => {
    const payload = JSON.parse(String(raw));
    if (payload.op === 10) socket.send(JSON.stringify({ op: 2, d: { token: PLAYGROUND_TOKENS.discord, intents: 1 } }));
    if (payload.op === 0) dispatches.push(payload);
  });
  const interactionCreated = (id: string) =>
    waitUntil(
      () => dispatches.find((d) => d.t === 'INTERACTION_CREATE' && d.d.id === id)?.d,
      10_000,
      `INTERACTION_CREATE ${id}`,
    );
  /** The bot's side: Discord's interaction callback and webhook routes. */
  const answer = (i: any, body: object) =>
    fetch(`${playground.discord!.url}/v10/interactions/${i.id}/${i.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const editOriginal = (i: any, body: object) =>
    fetch(`${playground.discord!.url}/v10/webhooks/${i.application_id}/${i.token}/messages/@original`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  try {
    await waitUntil(() => dispatches.some((d) => d.t === 'READY'), 10_000, 'READY');
    const { cursor } = (await api('GET', '/playground/transcript')).body;
    const { players } = (await api('GET', '/playground')).body;
    const chenId = players.find((p: { name: string }) => p.name === 'chen').discord.id;

    const ran = await api('POST', '/playground/discord/command', {
      player: 'chen',
      name: '/link',
      options: { code: 'ABCD234567' },
    });
    expect(ran.status).toBe(200);
    const command = await interactionCreated(ran.body.interaction_id);
    expect(command).toMatchObject({
      type: 2,
      guild_id: PLAYGROUND_GUILD_ID,
      locale: 'en-US',
      member: { user: { id: chenId } },
      data: { name: 'link', options: [{ name: 'code', type: 3, value: 'ABCD234567' }] },
    });
    // Deferred, then filled in: one reply in the transcript, with its buttons.
    expect((await answer(command, { type: 5, data: { flags: 64 } })).status).toBe(204);
    const merge = { type: 2, style: 4, label: 'Merge', custom_id: 'merge:tok' };
    const cancel = { type: 2, style: 2, label: 'Cancel', custom_id: 'merge-cancel:tok' };
    await editOriginal(command, {
      embeds: [{ title: 'Link accounts?', description: 'The other account: **Telegram …0003 (chen)**.' }],
      components: [{ type: 1, components: [merge, cancel] }],
    });
    const shown = (await api('GET', `/playground/transcript?after=${cursor}&wait=5000`)).body;
    expect(shown.entries.map((e: any) => [e.kind, e.player])).toEqual([
      ['discord_command', 'chen'],
      ['discord_reply', 'chen'],
    ]);
    expect(shown.entries[0]).toMatchObject({ command: '/link code:ABCD234567', channel: 'general' });
    const reply = shown.entries[1];
    expect(reply).toMatchObject({
      interaction_id: ran.body.interaction_id,
      ephemeral: true,
      edited: false,
      embeds: [{ title: 'Link accounts?', description: 'The other account: **Telegram …0003 (chen)**.' }],
      buttons: [
        { custom_id: 'merge:tok', label: 'Merge', disabled: false },
        { custom_id: 'merge-cancel:tok', label: 'Cancel', disabled: false },
      ],
    });

    // Only chen sees the private reply; chen presses Merge and the bot updates the message.
    expect(
      await api('POST', '/playground/discord/press', {
        player: 'boris',
        message_id: reply.message_id,
        custom_id: 'merge:tok',
      }),
    ).toEqual({
      status: 404,
      body: {
        error: `no bot message for message ${reply.message_id} that boris can see (it is another player's private reply)`,
      },
    });
    const pressed = await api('POST', '/playground/discord/press', {
      player: 'chen',
      interaction_id: ran.body.interaction_id,
      custom_id: 'merge:tok',
    });
    expect(pressed.status).toBe(200);
    const press = await interactionCreated(pressed.body.interaction_id);
    expect(press).toMatchObject({
      type: 3,
      data: { custom_id: 'merge:tok', component_type: 2 },
      message: { id: reply.message_id },
      member: { user: { id: chenId } },
    });
    await answer(press, { type: 7, data: { content: '✅ Accounts merged.', embeds: [], components: [] } });
    const after: any[] = await waitUntil(
      async () => {
        const more = (await api('GET', `/playground/transcript?after=${shown.cursor}`)).body.entries;
        return more.length >= 2 ? more : null;
      },
      5_000,
      'the press and the updated reply',
    );
    expect(after.map((e: any) => [e.kind, e.player, e.label ?? e.content])).toEqual([
      ['discord_press', 'chen', 'Merge'],
      ['discord_reply', 'chen', '✅ Accounts merged.'],
    ]);
    expect(after[1]).toMatchObject({ message_id: reply.message_id, edited: true, buttons: [] });

    // The button is gone: a second press is refused before it reaches the bot.
    const interactions = dispatches.filter((d) => d.t === 'INTERACTION_CREATE').length;
    expect(
      await api('POST', '/playground/discord/press', {
        player: 'chen',
        message_id: reply.message_id,
        custom_id: 'merge:tok',
      }),
    ).toEqual({ status: 409, body: { error: 'the message has no button "merge:tok" (any more)' } });

    // Sub-commands and user options arrive as Discord sends them.
    const notify = await api('POST', '/playground/discord/command', { player: 'boris', name: 'notify off' });
    expect((await interactionCreated(notify.body.interaction_id)).data.options).toEqual([
      { name: 'off', type: 1, options: [] },
    ]);
    expect((await interactionCreated(notify.body.interaction_id)).locale).toBe('ru');
    const profile = await api('POST', '/playground/discord/command', {
      player: 'boris',
      name: 'profile',
      options: { member: 'chen' },
    });
    const asked = await interactionCreated(profile.body.interaction_id);
    expect(asked.data.options).toEqual([{ name: 'member', type: 6, value: chenId }]);
    expect(asked.data.resolved.users[chenId]).toMatchObject({ global_name: 'chen' });
    expect(dispatches.filter((d) => d.t === 'INTERACTION_CREATE').length).toBe(interactions + 2);
  } finally {
    socket.close();
  }
});

it('refuses a slash command Discord’s client would not send, saying why', async () => {
  const before = (await api('GET', '/playground/transcript')).body.cursor;
  const refused = async (body: object) => (await api('POST', '/playground/discord/command', body)).body.error;
  expect(await refused({ player: 'alice', name: 'dance' })).toBe(
    'no command "/dance"; commands: profile, top, daily, link, notify',
  );
  expect(await refused({ player: 'alice', name: 'link', options: { code: 42 } })).toBe(
    'option "code" of /link must be a non-empty string',
  );
  expect(await refused({ player: 'alice', name: 'link', options: { pin: '1' } })).toBe(
    '/link has no option "pin"; options: code',
  );
  expect(await refused({ player: 'alice', name: 'top', options: { page: 0 } })).toBe(
    'option "page" of /top must be 1–1000',
  );
  expect(await refused({ player: 'alice', name: 'notify' })).toBe('/notify needs one of: /notify on, /notify off');
  expect(await refused({ player: 'alice', name: 'profile', options: { member: 'mallory' } })).toBe(
    'no test player "mallory"; players: alice, boris, chen',
  );
  expect(
    (await api('POST', '/playground/discord/command', { player: 'alice', name: 'daily', channel: 'lounge' })).status,
  ).toBe(404);
  expect(
    (await api('POST', '/playground/discord/press', { player: 'alice', message_id: '1', custom_id: 'x' })).body,
  ).toEqual({ error: 'no bot message for message 1' });
  expect((await api('GET', '/playground/transcript')).body.cursor).toBe(before);
});
