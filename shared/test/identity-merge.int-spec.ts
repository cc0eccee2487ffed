import { findLedgerMismatches, LINK_LOCK_TIMEOUT_MS, type PlatformIdentity } from '@ttfd/shared';
import { createWorld, newIdentity, type World } from './identity-fixtures';

let w: World;

beforeAll(async () => {
  w = await createWorld(16);
});
afterAll(async () => {
  await w.db.drop();
});

const SUMMED = [
  'xp',
  'coins',
  'games_played',
  'games_won',
  'messages_sent',
  'total_voice_time',
  'current_season_xp',
] as const;

function day(d: number) {
  w.clock.now = new Date(Date.UTC(2026, 2, d, 12));
}

async function eventIds(userId: string): Promise<string[]> {
  return (await w.events(userId)).map((e) => e.id);
}

async function merge(code: { of: PlatformIdentity }, redeemer: PlatformIdentity) {
  const { code: c } = await w.linking.createLinkCode(code.of);
  const asked = await w.linking.redeemLinkCode(redeemer, c);
  if (asked.status !== 'needs_confirmation') throw new Error(`expected a confirmation, got ${asked.status}`);
  return asked;
}

describe('merging two accounts with progress', () => {
  it('sums, unites and recomputes after the player confirms, losing no event and no point', async () => {
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    // The Telegram account is the older one: it survives.
    day(8);
    const a = (
      await w.progression.recordGame({
        player: telegram,
        game: 'dice',
        won: true,
        xp: 30,
        coins: 1,
        source: 'telegram',
      })
    ).userId;
    const b = (
      await w.progression.award({
        player: discord,
        xp: 400,
        coins: 30,
        stats: { total_voice_time: 36_000 },
        reason: 'voice',
        source: 'discord',
      })
    ).userId;
    await w.progression.award({
      player: telegram,
      xp: 300,
      stats: { messages_sent: 100 },
      reason: 'message',
      source: 'telegram',
    });
    for (const d of [8, 9, 10]) {
      day(d);
      await w.progression.claimDaily({ player: discord, source: 'discord' });
    }
    await w.progression.claimDaily({ player: telegram, source: 'telegram' });
    await w.progression.recordGame({ player: discord, game: 'quiz', won: false, xp: 20, coins: 2, source: 'discord' });

    const [rowA, rowB] = [await w.row(a), await w.row(b)];
    expect([Number(rowA.xp), Number(rowB.xp), rowA.rank_id, rowB.rank_id]).toEqual([380, 600, 3, 3]);
    const [eventsA, eventsB] = [await eventIds(a), await eventIds(b)];

    const preview = await w.linking.previewMerge(b, a);
    const sums = Object.fromEntries(SUMMED.map((k) => [k, Number(rowA[k]) + Number(rowB[k])]));
    expect(preview).toMatchObject({
      survivorId: a,
      absorbedId: b,
      survivor: { userId: a, xp: 380 },
      absorbed: { userId: b, xp: 600 },
      after: {
        userId: a,
        xp: sums.xp,
        coins: sums.coins,
        gamesPlayed: sums.games_played,
        gamesWon: sums.games_won,
        messagesSent: sums.messages_sent,
        totalVoiceTime: sums.total_voice_time,
        seasonXp: sums.current_season_xp,
        dailyStreak: 3,
        rankId: 4,
        rankName: 'Sergeant',
        platforms: ['telegram', 'discord'],
        primaryPlatform: 'telegram',
        achievements: ['first_game', 'hundred_messages', 'rank_2', 'rank_3', 'rank_4', 'ten_hours_voice'],
      },
      achievementsUnlocked: ['rank_4'],
      conflicts: [],
    });
    // The preview changed nothing.
    expect([await w.row(a), await w.row(b)]).toEqual([rowA, rowB]);

    const asked = await merge({ of: telegram }, discord);
    expect(asked.preview).toEqual(preview);
    expect(asked.confirmToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(`merge:${asked.confirmToken}`.length).toBeLessThanOrEqual(64);
    expect([await w.accountOf(discord), (await w.row(b)).xp]).toEqual([b, '600']);

    const stranger = newIdentity('telegram');
    await w.progression.ensureUser(stranger);
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: stranger })).toEqual({
      status: 'invalid_token',
    });
    const done = await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
    expect(done).toEqual({ status: 'merged', userId: a, absorbedId: b, account: preview.after });
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord })).toEqual({
      status: 'invalid_token',
    });

    const survivor = await w.row(a);
    for (const k of SUMMED) expect([k, Number(survivor[k])]).toEqual([k, sums[k]]);
    expect([survivor.rank_id, survivor.daily_streak, survivor.last_daily_claim]).toEqual([4, 3, '2026-03-10']);
    expect([survivor.telegram_id, survivor.discord_id, survivor.platforms]).toEqual([
      String(telegram.id),
      discord.id,
      ['telegram', 'discord'],
    ]);
    expect(survivor.created_at).toEqual(rowA.created_at);
    const tombstone = await w.row(b);
    expect(tombstone).toMatchObject({
      merged_into: a,
      telegram_id: null,
      discord_id: null,
      website_email: null,
      xp: '0',
      coins: '0',
      achievements: [],
    });

    const after = await w.events(a);
    expect(after.map((e) => e.id)).toEqual(expect.arrayContaining([...eventsA, ...eventsB]));
    expect(await w.events(b)).toEqual([]);
    const added = after.filter((e) => !eventsA.includes(e.id) && !eventsB.includes(e.id));
    expect(added.map((e) => [e.event_type, e.data])).toEqual([
      [
        'accounts_merged',
        {
          survivor_id: a,
          absorbed_id: b,
          summed: Object.fromEntries(SUMMED.map((k) => [k, Number(rowB[k])])),
          daily_streak: 3,
          achievements_added: ['ten_hours_voice'],
          platforms_moved: ['discord'],
        },
      ],
      ['account_linked', { platform: 'discord', via: 'code' }],
      ['rank_up', { from_rank_id: 3, to_rank_id: 4, rank_name: 'Sergeant', xp: sums.xp }],
      ['achievement_unlocked', { achievement: 'rank_4' }],
    ]);
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });

    expect([await w.linking.resolveUserId(a), await w.linking.resolveUserId(b)]).toEqual([a, a]);
    const viaOldId = await w.progression.award({ player: { userId: b }, xp: 5, reason: 'quest', source: 'website' });
    const viaDiscord = await w.progression.award({ player: discord, xp: 5, reason: 'message', source: 'discord' });
    expect([viaOldId.userId, viaDiscord.userId, viaDiscord.xp]).toEqual([a, a, sums.xp + 10]);
    // Daily already claimed today by both: the merge does not grant a second claim.
    expect(await w.progression.claimDaily({ player: discord, source: 'discord' })).toMatchObject({
      status: 'already_claimed',
    });
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });
  });

  it('changes nothing when the player cancels or lets the confirmation expire', async () => {
    const website = newIdentity('website');
    const discord = newIdentity('discord');
    const a = (await w.progression.award({ player: website, xp: 10, reason: 'quest', source: 'website' })).userId;
    const b = (await w.progression.award({ player: discord, xp: 20, reason: 'quest', source: 'discord' })).userId;
    const link = () =>
      w.linking.linkIdentity({
        userId: a,
        identity: discord,
        proof: { kind: 'discord_oauth', discordUserId: String(discord.id) },
      });

    const first = await link();
    if (first.status !== 'needs_confirmation') throw new Error(first.status);
    expect(await w.linking.cancelMerge({ confirmToken: first.confirmToken, by: { userId: a } })).toEqual({
      status: 'cancelled',
    });
    expect(await w.linking.confirmMerge({ confirmToken: first.confirmToken, by: { userId: a } })).toEqual({
      status: 'invalid_token',
    });

    const second = await link();
    if (second.status !== 'needs_confirmation') throw new Error(second.status);
    w.later(10 * 60_000 + 1);
    expect(await w.linking.confirmMerge({ confirmToken: second.confirmToken, by: { userId: a } })).toEqual({
      status: 'invalid_token',
    });
    expect([await w.accountOf(discord), (await w.row(a)).xp, (await w.row(b)).xp]).toEqual([b, '10', '20']);
    expect((await w.row(b)).merged_into).toBeNull();
  });

  it('voids a pending confirmation when its identity is unlinked', async () => {
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    const website = newIdentity('website');
    await w.progression.award({ player: telegram, xp: 10, reason: 'quest', source: 'telegram' });
    const b = (await w.progression.award({ player: discord, xp: 20, reason: 'quest', source: 'discord' })).userId;
    await w.redeem(website, (await w.linking.createLinkCode(discord)).code);
    const asked = await merge({ of: telegram }, website);
    await w.linking.unlinkIdentity({ account: discord, platform: 'website', source: 'discord' });
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: website })).toEqual({
      status: 'invalid_token',
    });
    expect([(await w.row(b)).merged_into, await w.accountOf(website)]).toEqual([null, null]);
  });

  it('asks again if the identity is on a different account by the time the player confirms', async () => {
    const website = newIdentity('website');
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    const { userId: c } = await w.progression.ensureUser(website);
    const a = (await w.progression.award({ player: telegram, xp: 10, reason: 'quest', source: 'telegram' })).userId;
    const b = (await w.progression.award({ player: discord, xp: 20, reason: 'quest', source: 'discord' })).userId;
    const asked = await merge({ of: telegram }, discord);
    expect(asked.preview).toMatchObject({ survivorId: a, absorbedId: b });

    // Meanwhile the Discord account joins the older website account, which has no progress.
    expect(await w.redeem(website, (await w.linking.createLinkCode(discord)).code)).toMatchObject({
      status: 'merged',
      userId: c,
      absorbedId: b,
    });
    const again = await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
    expect(again).toMatchObject({
      status: 'needs_confirmation',
      preview: { survivorId: c, absorbedId: a, after: { xp: 30 } },
    });
    expect((await w.row(a)).merged_into).toBeNull();
  });
});

describe('the streak a merge keeps', () => {
  it('keeps the current streak: a longer one whose last claim is older than yesterday counts as 0', async () => {
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    for (let d = 1; d <= 10; d++) {
      day(d);
      await w.progression.claimDaily({ player: telegram, source: 'telegram' });
    }
    for (const d of [15, 16]) {
      day(d);
      await w.progression.claimDaily({ player: discord, source: 'discord' });
    }
    const asked = await merge({ of: telegram }, discord);
    expect(asked.preview).toMatchObject({ survivor: { dailyStreak: 10 }, absorbed: { dailyStreak: 2 } });
    expect(asked.preview!.after.dailyStreak).toBe(2);
    const merged = await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
    expect(merged).toMatchObject({ status: 'merged', account: { dailyStreak: 2 } });
    const survivor = (merged as { userId: string }).userId;
    expect((await w.events(survivor, 'accounts_merged'))[0]!.data.daily_streak).toBe(2);
    day(17);
    expect(await w.progression.claimDaily({ player: telegram, source: 'telegram' })).toMatchObject({ dailyStreak: 3 });
  });
});

describe('a merge while the sync worker holds the events', () => {
  it("answers 'busy' after the stated wait instead of holding both players for the lease, then merges", async () => {
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    const a = (await w.progression.award({ player: telegram, xp: 10, reason: 'quest', source: 'telegram' })).userId;
    const b = (await w.progression.award({ player: discord, xp: 20, reason: 'quest', source: 'discord' })).userId;
    const asked = await merge({ of: telegram }, discord);

    // The worker's claim: the absorbed account's events, locked for a whole delivery.
    const worker = await w.db.pool.connect();
    try {
      await worker.query('BEGIN');
      await worker.query('SELECT id FROM cross_platform_events WHERE user_id = $1 FOR NO KEY UPDATE', [b]);
      const started = Date.now();
      const pressed = w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
      await new Promise((r) => setTimeout(r, 200));
      const award = w.progression.award({ player: telegram, xp: 1, reason: 'message', source: 'telegram' });
      expect(await pressed).toEqual({ status: 'busy', retryAfterSeconds: 4 });
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(LINK_LOCK_TIMEOUT_MS);
      expect(waited).toBeLessThan(LINK_LOCK_TIMEOUT_MS + 1500);
      // The survivor's award waited for the merge's row lock at most as long, not for the worker.
      expect(await award).toMatchObject({ userId: a, xp: 11 });
      expect([await w.accountOf(discord), (await w.row(b)).merged_into]).toEqual([b, null]);
    } finally {
      await worker.query('COMMIT');
      worker.release();
    }
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord })).toMatchObject({
      status: 'merged',
      userId: a,
      account: { xp: 31 },
    });
  });
});

describe('one tap never links: the redeemer always confirms', () => {
  it('asks before a code made on a fresh account joins a player with progress, naming that account', async () => {
    const victim = newIdentity('telegram');
    const attacker = newIdentity('discord');
    const { userId: victimId } = await w.progression.award({
      player: victim,
      xp: 900,
      coins: 70,
      reason: 'quest',
      source: 'telegram',
    });
    const { userId: attackerId } = await w.progression.ensureUser(attacker, {
      username: 'mallory',
      displayName: 'Mallory',
    });
    const before = [await w.row(victimId), await w.row(attackerId)];
    const { code } = await w.linking.createLinkCode(attacker);

    // The victim taps t.me/<bot>?start=link_<code>.
    const asked = await w.linking.redeemLinkCode(victim, `link_${code}`);
    expect(asked).toMatchObject({
      status: 'needs_confirmation',
      other: {
        identities: [{ platform: 'discord', shown: `…${String(attacker.id).slice(-4)}` }],
        names: ['Mallory', '@mallory'],
      },
      keeps: 'yours',
      preview: { survivorId: victimId, absorbedId: attackerId, after: { xp: 900 } },
    });
    expect([await w.row(victimId), await w.row(attackerId)]).toEqual(before);
    if (asked.status !== 'needs_confirmation') throw new Error(asked.status);

    // Only the redeemer's press counts: the code's creator can neither confirm nor cancel.
    for (const press of [
      w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: attacker }),
      w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: { userId: attackerId } }),
      w.linking.cancelMerge({ confirmToken: asked.confirmToken, by: attacker }),
    ]) {
      expect(await press).toEqual({ status: 'invalid_token' });
    }
    expect([await w.row(victimId), await w.row(attackerId)]).toEqual(before);
    expect(await w.linking.cancelMerge({ confirmToken: asked.confirmToken, by: victim })).toEqual({
      status: 'cancelled',
    });
    expect([await w.accountOf(victim), await w.accountOf(attacker)]).toEqual([victimId, attackerId]);
  });

  it('asks before attaching an identity that has no account yet, masking an e-mail', async () => {
    const website = newIdentity('website');
    const { userId } = await w.progression.ensureUser(website, { displayName: 'Ann' });
    const discord = newIdentity('discord');
    const asked = await w.linking.redeemLinkCode(discord, (await w.linking.createLinkCode(website)).code);
    const email = String(website.id).toLowerCase();
    expect(asked).toMatchObject({
      status: 'needs_confirmation',
      other: { identities: [{ platform: 'website', shown: `p***${email.slice(email.indexOf('@'))}` }], names: ['Ann'] },
      keeps: 'theirs',
      preview: null,
    });
    expect(await w.accountOf(discord)).toBeNull();
    if (asked.status !== 'needs_confirmation') throw new Error(asked.status);
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord })).toMatchObject({
      status: 'linked',
      userId,
    });
  });

  it("refuses the press when the code's creator has left its account since", async () => {
    const telegram = newIdentity('telegram');
    const website = newIdentity('website');
    const discord = newIdentity('discord');
    const { userId } = await w.progression.ensureUser(website);
    await w.redeem(telegram, (await w.linking.createLinkCode(website)).code);
    const asked = await w.linking.redeemLinkCode(discord, (await w.linking.createLinkCode(telegram)).code);
    if (asked.status !== 'needs_confirmation') throw new Error(asked.status);
    await w.linking.unlinkIdentity({ account: website, platform: 'telegram', source: 'website' });
    expect(await w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord })).toEqual({
      status: 'invalid_token',
    });
    expect([await w.accountOf(discord), (await w.row(userId)).platforms]).toEqual([null, ['website']]);
  });

  it('merges after the yes when one account has no progress, keeping the older account', async () => {
    const website = newIdentity('website');
    const discord = newIdentity('discord');
    const { userId: older } = await w.progression.ensureUser(website);
    const newer = (await w.progression.award({ player: discord, xp: 50, coins: 4, reason: 'quest', source: 'discord' }))
      .userId;
    const result = await w.confirmed(
      w.linking.linkIdentity({
        userId: newer,
        identity: website,
        proof: { kind: 'code', code: (await w.linking.createLinkCode(discord)).code },
      }),
      website,
    );
    expect(result).toMatchObject({
      status: 'merged',
      userId: older,
      absorbedId: newer,
      account: { xp: 50, coins: 4, primaryPlatform: 'website' },
    });
    expect(await w.linking.resolveUserId(newer)).toBe(older);
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });
  });

  it('re-points earlier tombstones when a survivor is merged again', async () => {
    const website = newIdentity('website');
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    const { userId: oldest } = await w.progression.ensureUser(website);
    const { userId: middle } = await w.progression.ensureUser(telegram);
    const { userId: youngest } = await w.progression.ensureUser(discord);
    const first = await w.redeem(discord, (await w.linking.createLinkCode(telegram)).code);
    expect(first).toMatchObject({ status: 'merged', userId: middle, absorbedId: youngest });
    const second = await w.redeem(telegram, (await w.linking.createLinkCode(website)).code);
    expect(second).toMatchObject({
      status: 'merged',
      userId: oldest,
      absorbedId: middle,
      account: { platforms: ['telegram', 'discord', 'website'], achievements: ['all_platforms'] },
    });
    expect((await w.row(youngest)).merged_into).toBe(oldest);
    expect(await w.linking.resolveUserId(youngest)).toBe(oldest);
  });

  it("merges once when both sides redeem each other's code at the same time", async () => {
    for (let round = 0; round < 5; round++) {
      const telegram = newIdentity('telegram');
      const discord = newIdentity('discord');
      const { userId: a } = await w.progression.ensureUser(telegram);
      const { userId: b } = await w.progression.ensureUser(discord);
      const [codeA, codeB] = [await w.linking.createLinkCode(telegram), await w.linking.createLinkCode(discord)];
      const results = await Promise.all([w.redeem(discord, codeA.code), w.redeem(telegram, codeB.code)]);
      expect(results.map((r) => r.status).sort()).toEqual(['already_linked', 'merged']);
      expect(results.map((r) => (r as { userId: string }).userId)).toEqual([a, a]);
      expect((await w.row(b)).merged_into).toBe(a);
      expect(await w.events(a, 'accounts_merged')).toHaveLength(1);
    }
  });

  it('refuses accounts that both have an identity on one platform', async () => {
    const telegram = newIdentity('telegram');
    const discord1 = newIdentity('discord');
    const discord2 = newIdentity('discord');
    const website = newIdentity('website');
    await w.redeem(discord1, (await w.linking.createLinkCode(telegram)).code);
    await w.redeem(website, (await w.linking.createLinkCode(discord2)).code);
    const result = await w.linking.redeemLinkCode(website, (await w.linking.createLinkCode(telegram)).code);
    expect(result).toEqual({ status: 'conflict', platforms: ['discord'] });
    expect(await w.accountOf(website)).toBe(await w.accountOf(discord2));
  });
});

describe('merging while awards arrive', () => {
  it('loses nothing from concurrent awards on both accounts and both ids', async () => {
    const telegram = newIdentity('telegram');
    const discord = newIdentity('discord');
    const a = (await w.progression.award({ player: telegram, xp: 100, coins: 10, reason: 'quest', source: 'telegram' }))
      .userId;
    const b = (await w.progression.award({ player: discord, xp: 200, coins: 20, reason: 'quest', source: 'discord' }))
      .userId;
    const asked = await merge({ of: telegram }, discord);

    const players = [telegram, discord, { userId: a }, { userId: b }];
    let xp = 300;
    let coins = 30;
    const award = (i: number) => {
      xp += 1 + (i % 7);
      coins += i % 3;
      return w.progression.award({
        player: players[i % 4]!,
        xp: 1 + (i % 7),
        coins: i % 3,
        stats: { messages_sent: 1 },
        reason: 'message',
        source: i % 2 ? 'discord' : 'telegram',
      });
    };
    const before = Array.from({ length: 200 }, (_, i) => award(i));
    const merged = w.linking.confirmMerge({ confirmToken: asked.confirmToken, by: discord });
    const afterwards = Array.from({ length: 200 }, (_, i) => award(200 + i));
    const results = await Promise.all([...before, ...afterwards]);
    expect(await merged).toMatchObject({ status: 'merged', userId: a, absorbedId: b });
    // Some awards landed on each account before the merge and on the survivor after it.
    expect(results.some((r) => r.userId === b)).toBe(true);
    expect(results.filter((r) => r.userId === a).length).toBeGreaterThan(200);

    const survivor = await w.row(a);
    expect([Number(survivor.xp), Number(survivor.coins), Number(survivor.messages_sent)]).toEqual([xp, coins, 400]);
    expect((await w.row(b)).xp).toBe('0');
    expect(await w.events(a, 'xp_change')).toHaveLength(402);
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });
  });
});
