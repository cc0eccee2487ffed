import { createHash, createHmac } from 'node:crypto';
import { findLedgerMismatches, UnknownPlayerError, type TelegramLoginPayload } from '@ttfd/shared';
import { createWorld, newIdentity, type World } from './identity-fixtures';

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(async () => {
  await w.db.drop();
});

const BOT_TOKEN = '5550001111:AAtest-login-widget-token';

/** A Login Widget payload signed as Telegram documents it. */
function widget(telegramId: number, authDate: Date, token = BOT_TOKEN): TelegramLoginPayload {
  const fields = {
    id: telegramId,
    first_name: 'Ann',
    username: `ann${telegramId}`,
    auth_date: authDate.getTime() / 1000,
  };
  const checkString = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k as keyof typeof fields]}`)
    .join('\n');
  const key = createHash('sha256').update(token).digest();
  return { ...fields, hash: createHmac('sha256', key).update(checkString).digest('hex') };
}

/** The proof the website passes after the widget: the payload and the nonce of the flow its session started. */
async function widgetProof(userId: string, payload: TelegramLoginPayload) {
  const { sessionNonce } = await w.linking.startTelegramLogin({ userId });
  return { kind: 'telegram_login' as const, payload, botToken: BOT_TOKEN, sessionNonce };
}

async function websiteAccount() {
  const identity = newIdentity('website');
  const { userId } = await w.progression.ensureUser(identity);
  return { identity, userId };
}

describe('verified linking on the website', () => {
  it('links a Discord account from the OAuth callback', async () => {
    const { userId } = await websiteAccount();
    const discord = newIdentity('discord');
    const result = await w.linking.linkIdentity({
      userId,
      identity: discord,
      proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
    });
    expect(result).toMatchObject({ status: 'linked', userId, platform: 'discord' });
    const row = await w.row(userId);
    expect([row.discord_id, row.platforms]).toEqual([discord.id, ['discord', 'website']]);
    expect((await w.events(userId, 'account_linked')).map((e) => [e.data, e.source_platform])).toEqual([
      [{ platform: 'discord', via: 'discord_oauth' }, 'website'],
    ]);
  });

  it('links a Telegram account from a verified Login Widget payload', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const result = await w.linking.linkIdentity({
      userId,
      identity: telegram,
      proof: await widgetProof(userId, widget(Number(telegram.id), w.clock.now)),
    });
    expect(result).toMatchObject({ status: 'linked', userId, platform: 'telegram' });
    expect(await w.accountOf(telegram)).toBe(userId);
  });

  it('links nothing on a Login Widget payload that does not verify', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const id = Number(telegram.id);
    const hour = 3600_000;
    const { sessionNonce } = await w.linking.startTelegramLogin({ userId });
    const cases: [TelegramLoginPayload, string, string][] = [
      [{ ...widget(id, w.clock.now), username: 'someone_else' }, BOT_TOKEN, 'bad_signature'],
      [widget(id, w.clock.now, '1:another-bot'), BOT_TOKEN, 'bad_signature'],
      [widget(id, new Date(w.clock.now.getTime() - 25 * hour)), BOT_TOKEN, 'stale'],
      [widget(id, new Date(w.clock.now.getTime() + hour)), BOT_TOKEN, 'from_the_future'],
      [{ ...widget(id, w.clock.now), hash: undefined }, BOT_TOKEN, 'missing_hash'],
    ];
    for (const [payload, botToken, reason] of cases) {
      expect(
        await w.linking.linkIdentity({
          userId,
          identity: telegram,
          proof: { kind: 'telegram_login', payload, botToken, sessionNonce },
        }),
      ).toEqual({ status: 'invalid_proof', reason });
    }
    expect(await w.accountOf(telegram)).toBeNull();
    expect(await w.events(userId, 'account_linked')).toEqual([]);
  });

  it('honours a shorter configured age for Login Widget payloads', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const proof = await widgetProof(userId, widget(Number(telegram.id), w.clock.now));
    w.later(2 * 60_000);
    expect(
      await w.linking.linkIdentity({ userId, identity: telegram, proof: { ...proof, maxAgeSeconds: 60 } }),
    ).toEqual({ status: 'invalid_proof', reason: 'stale' });
    expect(await w.linking.linkIdentity({ userId, identity: telegram, proof })).toMatchObject({ status: 'linked' });
  });
});

describe('a Login Widget payload links once, fresh, for the session that showed the widget', () => {
  it('refuses the same payload a second time, even for the same session and after an unlink', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const payload = widget(Number(telegram.id), w.clock.now);
    const proof = await widgetProof(userId, payload);
    expect(await w.linking.linkIdentity({ userId, identity: telegram, proof })).toMatchObject({ status: 'linked' });
    await w.linking.unlinkIdentity({ account: { userId }, platform: 'telegram', source: 'website' });
    const again = await widgetProof(userId, payload);
    expect(await w.linking.linkIdentity({ userId, identity: telegram, proof: again })).toEqual({
      status: 'invalid_proof',
      reason: 'replayed',
    });
    const other = await websiteAccount();
    expect(
      await w.linking.linkIdentity({
        userId: other.userId,
        identity: telegram,
        proof: await widgetProof(other.userId, payload),
      }),
    ).toEqual({ status: 'invalid_proof', reason: 'replayed' });
    expect(await w.accountOf(telegram)).toBeNull();
  });

  it('accepts one of two requests racing with one payload', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const payload = widget(Number(telegram.id), w.clock.now);
    const proofs = [await widgetProof(userId, payload), await widgetProof(userId, payload)];
    const results = await Promise.all(
      proofs.map((proof) => w.linking.linkIdentity({ userId, identity: telegram, proof })),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['invalid_proof', 'linked']);
  });

  it('refuses a payload older than 5 minutes by default', async () => {
    const { userId } = await websiteAccount();
    const telegram = newIdentity('telegram');
    const proof = await widgetProof(userId, widget(Number(telegram.id), w.clock.now));
    w.later(5 * 60_000 + 1000);
    expect(await w.linking.linkIdentity({ userId, identity: telegram, proof })).toEqual({
      status: 'invalid_proof',
      reason: 'stale',
    });
  });

  it("refuses another session's flow, an unknown or used flow, and a payload signed before the flow began", async () => {
    const victim = await websiteAccount();
    const attacker = await websiteAccount();
    const telegram = newIdentity('telegram');
    const signedEarlier = widget(Number(telegram.id), new Date(w.clock.now.getTime() - 60_000));
    const fresh = () => widget(Number(telegram.id), w.clock.now);
    const link = (userId: string, proof: Awaited<ReturnType<typeof widgetProof>>) =>
      w.linking.linkIdentity({ userId, identity: telegram, proof });

    const { sessionNonce: victimNonce } = await w.linking.startTelegramLogin({ userId: victim.userId });
    const cases = [
      link(attacker.userId, {
        kind: 'telegram_login',
        payload: fresh(),
        botToken: BOT_TOKEN,
        sessionNonce: victimNonce,
      }),
      link(attacker.userId, { kind: 'telegram_login', payload: fresh(), botToken: BOT_TOKEN, sessionNonce: 'made-up' }),
      link(victim.userId, { ...(await widgetProof(victim.userId, fresh())), payload: signedEarlier }),
    ];
    for (const result of await Promise.all(cases)) {
      expect(result).toEqual({ status: 'invalid_proof', reason: 'wrong_session' });
    }
    const used = await widgetProof(victim.userId, fresh());
    w.later(1000);
    expect(await link(victim.userId, used)).toMatchObject({ status: 'linked' });
    await w.linking.unlinkIdentity({ account: { userId: victim.userId }, platform: 'telegram', source: 'website' });
    expect(await link(victim.userId, { ...used, payload: fresh() })).toEqual({
      status: 'invalid_proof',
      reason: 'wrong_session',
    });
    expect(await w.accountOf(telegram)).toBeNull();
  });
});

describe('an identity on one account cannot be taken by another without proof', () => {
  it('refuses a proof of a different identity', async () => {
    const a = await websiteAccount();
    const b = await websiteAccount();
    const discord = newIdentity('discord');
    await w.linking.linkIdentity({
      userId: a.userId,
      identity: discord,
      proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
    });
    const other = newIdentity('discord');
    expect(
      await w.linking.linkIdentity({
        userId: b.userId,
        identity: discord,
        proof: { kind: 'discord_oauth', discordUserId: String(other.id) },
      }),
    ).toEqual({ status: 'invalid_proof', reason: 'identity_mismatch' });
    const telegram = newIdentity('telegram');
    expect(
      await w.linking.linkIdentity({
        userId: b.userId,
        identity: discord,
        proof: await widgetProof(b.userId, widget(Number(telegram.id), w.clock.now)),
      }),
    ).toEqual({ status: 'invalid_proof', reason: 'identity_mismatch' });
    expect(await w.accountOf(discord)).toBe(a.userId);
  });

  it("refuses a code created on someone else's account, and the code stays theirs", async () => {
    const a = await websiteAccount();
    const b = await websiteAccount();
    const { code } = await w.linking.createLinkCode(a.identity);
    const discord = newIdentity('discord');
    expect(
      await w.linking.linkIdentity({ userId: b.userId, identity: discord, proof: { kind: 'code', code } }),
    ).toEqual({ status: 'invalid_code' });
    expect(await w.accountOf(discord)).toBeNull();
    expect(
      await w.confirmed(
        w.linking.linkIdentity({ userId: a.userId, identity: discord, proof: { kind: 'code', code } }),
        discord,
      ),
    ).toMatchObject({ status: 'linked', userId: a.userId });
  });

  it('does nothing when the identity is already on the account', async () => {
    const { userId } = await websiteAccount();
    const discord = newIdentity('discord');
    const proof = { kind: 'discord_oauth' as const, discordUserId: String(discord.id) };
    await w.linking.linkIdentity({ userId, identity: discord, proof });
    const before = await w.events(userId);
    const rowBefore = await w.row(userId);
    expect(await w.linking.linkIdentity({ userId, identity: discord, proof })).toEqual({
      status: 'already_linked',
      userId,
    });
    expect(await w.events(userId)).toEqual(before);
    expect(await w.row(userId)).toEqual(rowBefore);
  });

  it('refuses a second identity of a platform the account already has', async () => {
    const { userId } = await websiteAccount();
    const first = newIdentity('discord');
    const second = newIdentity('discord');
    await w.linking.linkIdentity({
      userId,
      identity: first,
      proof: { kind: 'discord_oauth', discordUserId: String(first.id) },
    });
    expect(
      await w.linking.linkIdentity({
        userId,
        identity: second,
        proof: { kind: 'discord_oauth', discordUserId: String(second.id) },
      }),
    ).toEqual({ status: 'platform_taken', userId, platform: 'discord' });
    expect([(await w.row(userId)).discord_id, await w.accountOf(second)]).toEqual([first.id, null]);
  });

  it('rejects an account id that does not exist', async () => {
    const discord = newIdentity('discord');
    await expect(
      w.linking.linkIdentity({
        userId: '999999999',
        identity: discord,
        proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
      }),
    ).rejects.toThrow(UnknownPlayerError);
  });
});

describe('all three platforms', () => {
  it('unlocks all_platforms once, when the third is linked', async () => {
    const { identity: website, userId } = await websiteAccount();
    const discord = newIdentity('discord');
    const telegram = newIdentity('telegram');
    const second = await w.linking.linkIdentity({
      userId,
      identity: discord,
      proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
    });
    expect(second).toMatchObject({ achievementsUnlocked: [] });
    const { code } = await w.linking.createLinkCode(website);
    const third = await w.redeem(telegram, code);
    expect(third).toMatchObject({
      status: 'linked',
      achievementsUnlocked: ['all_platforms'],
      account: { platforms: ['telegram', 'discord', 'website'], achievements: ['all_platforms'] },
    });
    const row = await w.row(userId);
    expect(row.platforms).toEqual(['telegram', 'discord', 'website']);
    expect(row.achievements).toEqual(['all_platforms']);
    expect((await w.events(userId, 'achievement_unlocked')).map((e) => e.data)).toEqual([
      { achievement: 'all_platforms' },
    ]);
    expect((await w.events(userId)).map((e) => e.event_type)).toEqual([
      'user_registered',
      'account_linked',
      'account_linked',
      'achievement_unlocked',
    ]);
  });
});

describe('unlink', () => {
  it('detaches one identity, keeps the progress, and the identity starts fresh when it comes back', async () => {
    const telegram = newIdentity('telegram');
    const start = await w.progression.award({
      player: telegram,
      xp: 120,
      coins: 7,
      reason: 'quest',
      source: 'telegram',
    });
    const userId = start.userId;
    const discord = newIdentity('discord');
    const { code } = await w.linking.createLinkCode(telegram);
    await w.redeem(discord, code);
    const discordCode = await w.linking.createLinkCode(discord);

    const result = await w.linking.unlinkIdentity({ account: discord, platform: 'telegram', source: 'discord' });
    expect(result).toEqual({
      status: 'unlinked',
      userId,
      platform: 'telegram',
      platforms: ['discord'],
      primaryPlatform: 'discord',
    });
    const row = await w.row(userId);
    expect([row.telegram_id, row.platforms, Number(row.xp), Number(row.coins)]).toEqual([null, ['discord'], 120, 7]);
    expect((await w.events(userId, 'account_unlinked')).map((e) => [e.data, e.source_platform])).toEqual([
      [{ platform: 'telegram', identity: String(telegram.id) }, 'discord'],
    ]);

    const back = await w.progression.award({ player: telegram, xp: 3, reason: 'message', source: 'telegram' });
    expect(back.userId).not.toBe(userId);
    expect(back.xp).toBe(3);
    expect((await w.row(userId)).xp).toBe('120');
    // The Discord identity's own code still works; it is still on the account.
    expect(await w.redeem(newIdentity('website'), discordCode.code)).toMatchObject({ userId });
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });
  });

  it('never removes the last identity and says when there is nothing to unlink', async () => {
    const { identity, userId } = await websiteAccount();
    expect(await w.linking.unlinkIdentity({ account: { userId }, platform: 'website', source: 'website' })).toEqual({
      status: 'last_identity',
      userId,
      platform: 'website',
    });
    expect(await w.linking.unlinkIdentity({ account: identity, platform: 'discord', source: 'website' })).toEqual({
      status: 'not_linked',
      userId,
      platform: 'discord',
    });
    expect((await w.row(userId)).platforms).toEqual(['website']);
    expect(await w.events(userId, 'account_unlinked')).toEqual([]);
  });

  it("voids the unlinked identity's unused code", async () => {
    const { identity: website, userId } = await websiteAccount();
    const discord = newIdentity('discord');
    await w.linking.linkIdentity({
      userId,
      identity: discord,
      proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
    });
    const { code } = await w.linking.createLinkCode(discord);
    await w.linking.unlinkIdentity({ account: website, platform: 'discord', source: 'website' });
    expect(await w.linking.redeemLinkCode(newIdentity('telegram'), code)).toEqual({ status: 'invalid_code' });
  });
});
