import { createHash } from 'node:crypto';
import { findLedgerMismatches, PLATFORMS, type Platform } from '@ttfd/shared';
import { createWorld, newIdentity, type World } from './identity-fixtures';

let w: World;

beforeAll(async () => {
  w = await createWorld(24);
});
afterAll(async () => {
  await w.db.drop();
});

const MINUTE = 60_000;
const pairs = PLATFORMS.flatMap((from) => PLATFORMS.filter((to) => to !== from).map((to) => [from, to] as const));

describe('link codes between platforms', () => {
  it.each(pairs)('links a %s account to a %s identity', async (from: Platform, to: Platform) => {
    const creator = newIdentity(from);
    const redeemer = newIdentity(to);
    const earned = await w.progression.award({ player: creator, xp: 40, coins: 5, reason: 'quest', source: from });
    // A Telegram player has an (empty) account from /start before they redeem.
    if (to === 'telegram') await w.progression.ensureUser(redeemer);

    const { code, deepLinkPayload, expiresAt, userId } = await w.linking.createLinkCode(creator);
    expect(userId).toBe(earned.userId);
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(deepLinkPayload).toBe(`link_${code}`);
    expect(expiresAt).toEqual(new Date(w.clock.now.getTime() + 10 * MINUTE));

    const result = await w.redeem(redeemer, to === 'telegram' ? deepLinkPayload : code);
    expect(result).toMatchObject({
      status: to === 'telegram' ? 'merged' : 'linked',
      userId,
      account: { xp: 40, coins: 5, platforms: PLATFORMS.filter((p) => p === from || p === to) },
    });
    expect(await w.accountOf(redeemer)).toBe(userId);
    const linked = await w.events(userId, 'account_linked');
    expect(linked.map((e) => [e.data, e.source_platform])).toEqual([[{ platform: to, via: 'code' }, to]]);

    // Activity on the newly linked platform now counts for the same person.
    const next = await w.progression.award({ player: redeemer, xp: 10, reason: 'message', source: to });
    expect([next.userId, next.xp]).toEqual([userId, 50]);
  });

  it('accepts the code in any case, with spaces or hyphens, or as the deep-link payload', async () => {
    for (const typed of [
      (c: string) => c.toLowerCase(),
      (c: string) => `${c.slice(0, 5)}-${c.slice(5)}`.toLowerCase(),
      (c: string) => ` ${c.slice(0, 3)} ${c.slice(3)} `,
      (c: string) => `link_${c}`,
    ]) {
      const creator = newIdentity('website');
      const { code, userId } = await w.linking.createLinkCode(creator);
      expect(await w.redeem(newIdentity('discord'), typed(code))).toMatchObject({
        status: 'linked',
        userId,
      });
    }
  });
});

describe('codes that do not link', () => {
  it('answers unknown, expired, used and malformed codes alike and links nothing', async () => {
    const creator = newIdentity('telegram');
    const expiring = await w.linking.createLinkCode(creator);
    w.later(10 * MINUTE - 1000);
    const stillValid = await w.linking.createLinkCode(newIdentity('discord'));
    const usedBy = newIdentity('website');
    expect(await w.redeem(usedBy, stillValid.code)).toMatchObject({ status: 'linked' });
    w.later(2000);

    const answers = [];
    for (const [who, code] of [
      [newIdentity('website'), expiring.code],
      [newIdentity('website'), stillValid.code],
      [newIdentity('website'), 'ZZZZZZZZZZ'],
      [newIdentity('website'), 'not a code'],
    ] as const) {
      answers.push(await w.redeem(who, code));
      expect(await w.accountOf(who)).toBeNull();
    }
    expect(answers).toEqual(Array(4).fill({ status: 'invalid_code' }));
    expect(await w.events(expiring.userId, 'account_linked')).toEqual([]);
  });

  it('keeps working until ten minutes have passed, and a new code replaces the old one', async () => {
    const creator = newIdentity('discord');
    const first = await w.linking.createLinkCode(creator);
    const second = await w.linking.createLinkCode(creator);
    expect(await w.redeem(newIdentity('telegram'), first.code)).toEqual({ status: 'invalid_code' });
    w.later(10 * MINUTE - 1);
    expect(await w.redeem(newIdentity('telegram'), second.code)).toMatchObject({ status: 'linked' });
  });

  it("hands the code back when redeemed by the creator's own identity", async () => {
    const creator = newIdentity('telegram');
    const { code, userId } = await w.linking.createLinkCode(creator);
    expect(await w.redeem(creator, code)).toEqual({ status: 'already_linked', userId });
    expect(await w.redeem(newIdentity('website'), code)).toMatchObject({ status: 'linked', userId });
  });

  it('refuses an identity after 5 failures in 10 minutes, even with a right code, then lets it try again', async () => {
    const guesser = newIdentity('discord');
    for (let i = 0; i < 5; i++) {
      expect(await w.redeem(guesser, `WRONG${i}ABCD`.slice(0, 10))).toEqual({ status: 'invalid_code' });
      w.later(MINUTE);
    }
    const { code, userId } = await w.linking.createLinkCode(newIdentity('telegram'));
    // Failures were at minutes 0..4; now is minute 5, so the first leaves the window in 5 minutes.
    expect(await w.redeem(guesser, code)).toEqual({
      status: 'too_many_attempts',
      retryAfterMinutes: 5,
      retryAt: new Date(w.clock.now.getTime() + 5 * MINUTE),
    });
    expect(await w.accountOf(guesser)).toBeNull();
    // Other identities are not affected.
    expect(await w.redeem(newIdentity('discord'), 'ZZZZZZZZZZ')).toEqual({ status: 'invalid_code' });

    w.later(5 * MINUTE + 1);
    const again = await w.linking.createLinkCode(newIdentity('telegram'));
    expect(await w.redeem(guesser, again.code)).toMatchObject({ status: 'linked' });
    expect(await w.redeem(newIdentity('website'), code)).toMatchObject({ status: 'linked', userId });
  });

  it('gives a code raced by 20 redemptions to exactly one of them', async () => {
    const creator = newIdentity('website');
    const { code, userId } = await w.linking.createLinkCode(creator);
    const racers = Array.from({ length: 20 }, () => newIdentity('telegram'));
    const results = await Promise.all(racers.map((r) => w.redeem(r, code)));
    expect(results.filter((r) => r.status === 'linked')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'invalid_code')).toHaveLength(19);
    const owners = await Promise.all(racers.map((r) => w.accountOf(r)));
    expect(owners.filter((o) => o !== null)).toEqual([userId]);
    expect(await w.events(userId, 'account_linked')).toHaveLength(1);
    expect((await w.row(userId)).platforms).toEqual(['telegram', 'website']);
  });

  it('stores only the SHA-256 of a code', async () => {
    const creator = newIdentity('telegram');
    const { code } = await w.linking.createLinkCode(creator);
    const { rows } = await w.db.pool.query(`SELECT * FROM link_codes WHERE identity = $1`, [String(creator.id)]);
    expect(rows).toHaveLength(1);
    expect(rows[0].code_hash.toString('hex')).toBe(createHash('sha256').update(code).digest('hex'));
    expect(Object.values(rows[0]).map(String)).not.toContain(code);
    expect(await findLedgerMismatches(w.db.pool)).toMatchObject({ mismatches: [] });
  });
});
