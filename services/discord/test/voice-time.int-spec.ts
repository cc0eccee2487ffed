import {
  closeVoiceSession,
  createProgression,
  createWake,
  findLedgerMismatches,
  loadVoiceSessions,
  saveVoiceSessions,
} from '@ttfd/shared';
import { createTestDatabase, startFakeDiscord, waitUntil, type FakeDiscord, type TestDatabase } from '@ttfd/testing';
import {
  addCommunityGuild,
  AFK,
  eventsOf,
  GUILD,
  member,
  playerOf,
  settle,
  startTestBot,
  VOICE_A,
  VOICE_B,
  type TestBot,
} from './harness';

let db: TestDatabase;
let fake: FakeDiscord;
let bot: TestBot | null = null;

const ALICE = '200000000000000001';
const BORIS = '200000000000000002';
const ROBOT = '200000000000000003';
const VERA = '200000000000000004';
const GLEB = '200000000000000005';
const DINA = '200000000000000006';
const EMIL = '200000000000000007';
const FAINA = '200000000000000008';
const IRINA = '200000000000000009';
const KIRA = '200000000000000010';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);
let clock = T0;
const at = (seconds: number) => (clock = T0 + seconds * 1000);
const ENV = { DISCORD_VOICE_XP_PER_MINUTE: '10' };

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
  fake = await startFakeDiscord();
  addCommunityGuild(fake, [
    member(ALICE),
    member(BORIS),
    member(ROBOT, { bot: true }),
    member(VERA),
    member(GLEB),
    member(DINA),
    member(EMIL),
    member(FAINA),
    member(IRINA),
    member(KIRA),
  ]);
});
afterEach(async () => {
  fake.gateway.refuseConnections = false;
  await bot?.stop();
  bot = null;
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

let handled = 0;
/** Sets the clock, sends the voice state and waits until the bot has written what it caused. */
async function voice(
  seconds: number,
  userId: string,
  channelId: string | null,
  flags: { selfMute?: boolean; selfDeaf?: boolean } = {},
) {
  at(seconds);
  fake.gateway.setVoiceState(GUILD, userId, { channelId, ...flags });
  await settle(bot!, 'voice_state_update', ++handled);
}

const voiceSessions = async (discordId: string) =>
  (await eventsOf(db, discordId)).filter((e) => e.event_type === 'voice_session');

describe('voice time', () => {
  it('counts a scripted session to the second, with XP only for full minutes with company, undeafened, outside AFK', async () => {
    at(0);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(0, ALICE, VOICE_A); // alone: no XP
    await voice(60, BORIS, VOICE_A); // both earn
    await voice(180, ALICE, VOICE_A, { selfMute: true }); // muted still earns
    await voice(300, ALICE, VOICE_A, { selfMute: true, selfDeaf: true }); // Alice stops; Boris has company
    await voice(360, ALICE, VOICE_A); // Alice earns again
    await voice(420, ALICE, AFK); // AFK: Alice stops, Boris is alone
    await voice(450, BORIS, AFK); // together, but in the AFK channel
    await voice(480, BORIS, VOICE_A); // alone again
    await voice(500, ROBOT, VOICE_A); // a bot is no company
    await voice(540, ALICE, VOICE_B); // alone in B
    await voice(600, BORIS, VOICE_B); // together again
    await voice(690, ALICE, null);
    await voice(750, BORIS, null);

    // Alice: 690 s in voice; earning 60-300, 360-420, 600-690 = 390 s → 6 full minutes.
    expect(await playerOf(db, ALICE)).toMatchObject({ total_voice_time: 690, xp: 60 });
    // Boris: 690 s in voice; earning 60-420, 600-690 = 450 s → 7 full minutes.
    expect(await playerOf(db, BORIS)).toMatchObject({ total_voice_time: 690, xp: 70 });
    expect(await playerOf(db, ROBOT)).toBeNull();
    expect((await voiceSessions(ALICE)).map((e) => e.data)).toEqual([{ seconds: 690, xp_delta: 60, coins_delta: 0 }]);
    expect((await voiceSessions(BORIS)).map((e) => e.data)).toEqual([{ seconds: 690, xp_delta: 70, coins_delta: 0 }]);
    expect(await loadVoiceSessions(db.pool, GUILD)).toEqual([]);
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
    const metrics = await bot.service.registry.getSingleMetric('ttfd_discord_voice_seconds_total')!.get();
    expect(metrics.values[0]!.value).toBe(1380);
  });

  it('continues sessions across a restart without counting the time it was away, and closes the ones that ended', async () => {
    at(1000);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(1000, VERA, VOICE_A);
    await voice(1000, GLEB, VOICE_A);
    at(1120);
    await bot.stop(); // saves both sessions up to 1120

    // While the bot is away Gleb leaves; Vera stays.
    at(1200);
    fake.gateway.setVoiceState(GUILD, GLEB, { channelId: null });
    at(1300);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    // Gleb's session was closed at the last time the bot knew of: 120 s, 2 full minutes.
    expect(await playerOf(db, GLEB)).toMatchObject({ total_voice_time: 120, xp: 20 });
    expect(await voiceSessions(GLEB)).toHaveLength(1);
    expect((await loadVoiceSessions(db.pool, GUILD)).map((s) => s.discordId)).toEqual([VERA]);

    // Vera goes on alone from 1300 (1120-1300 is not counted) and leaves at 1360.
    await voice(1360, VERA, null);
    expect(await playerOf(db, VERA)).toMatchObject({ total_voice_time: 180, xp: 20 });
    expect((await voiceSessions(VERA)).map((e) => e.data)).toEqual([{ seconds: 180, xp_delta: 20, coins_delta: 0 }]);
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });

  it('after a crash, closes a session from its last checkpoint, and a session credited twice counts once', async () => {
    at(2000);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(2000, DINA, VOICE_B);
    await voice(2000, ALICE, VOICE_B);
    at(2100);
    await bot.service.parts.voiceOf(GUILD).checkpoint();
    // What a crash at 2150 leaves behind is the 2100 checkpoint: stop with the clock there.
    at(2100);
    await bot.stop();
    const [dina] = (await loadVoiceSessions(db.pool, GUILD)).filter((s) => s.discordId === DINA);
    expect(dina).toMatchObject({ voiceMs: 100_000, earningMs: 100_000 });

    fake.gateway.setVoiceState(GUILD, DINA, { channelId: null });
    fake.gateway.setVoiceState(GUILD, ALICE, { channelId: null });
    const aliceBefore = await playerOf(db, ALICE);
    at(2500);
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    expect(await playerOf(db, DINA)).toMatchObject({ total_voice_time: 100, xp: 10 });
    expect(await playerOf(db, ALICE)).toMatchObject({
      total_voice_time: aliceBefore!.total_voice_time + 100,
      xp: aliceBefore!.xp + 10,
    });

    // A crash between crediting a session and forgetting it: the next start credits it again.
    const wake = createWake(db.pool);
    const progression = createProgression({ pool: db.pool, wake });
    const again = await closeVoiceSession(db.pool, progression, dina!, 10);
    expect(again.status).toBe('duplicate');
    expect(await playerOf(db, DINA)).toMatchObject({ total_voice_time: 100, xp: 10 });
    expect(await voiceSessions(DINA)).toHaveLength(1);
    await wake.flush();
  });

  it('after a new gateway session (no resume), closes who left while cut off at the moment the connection dropped', async () => {
    at(3000);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(3000, EMIL, VOICE_A);
    await voice(3000, FAINA, VOICE_A);
    const identified = fake.gateway.sessions.length;
    const reconciled = () => bot!.logs.filter((l) => l.msg === 'voice sessions reconciled').length;
    const before = reconciled();

    at(3060);
    fake.gateway.refuseConnections = true;
    fake.gateway.disconnect(4000, { resumable: false });
    await waitUntil(() => bot!.logs.some((l) => l.msg === 'gateway connection lost; reconnecting'), 10_000, 'the loss');
    at(3100);
    fake.gateway.setVoiceState(GUILD, FAINA, { channelId: null }); // never reaches the bot
    at(3200);
    fake.gateway.refuseConnections = false;
    await fake.gateway.waitForIdentify(identified + 1, 20_000);
    await waitUntil(() => reconciled() > before, 10_000, 'the reconcile');
    await bot.service.parts.voiceOf(GUILD).idle();

    // Faina: 3000-3060 with company, 1 full minute.
    expect(await playerOf(db, FAINA)).toMatchObject({ total_voice_time: 60, xp: 10 });
    // Emil: 3000-3060 with company, then alone from 3200 to 3260; 3060-3200 is not counted.
    await voice(3260, EMIL, null);
    expect(await playerOf(db, EMIL)).toMatchObject({ total_voice_time: 120, xp: 10 });
    expect((await findLedgerMismatches(db.pool)).mismatches).toEqual([]);
  });

  it('after a crash between crediting a session and forgetting it, a member still in voice earns their new time', async () => {
    at(5000);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(5000, IRINA, VOICE_A);
    await voice(5000, KIRA, VOICE_A);
    at(5060);
    await bot.stop();
    bot = null;
    // The crash: Irina's session was credited (60 s, 10 XP) but its row was not forgotten.
    const [irina] = (await loadVoiceSessions(db.pool, GUILD)).filter((s) => s.discordId === IRINA);
    const wake = createWake(db.pool);
    await closeVoiceSession(db.pool, createProgression({ pool: db.pool, wake }), irina!, 10);
    await saveVoiceSessions(db.pool, [irina!]);
    await wake.flush();
    expect(await playerOf(db, IRINA)).toMatchObject({ total_voice_time: 60, xp: 10 });

    // Back up while she is still in voice: her next two minutes count as a new session.
    at(5100);
    handled = 0;
    bot = await startTestBot(db, fake, ENV, { now: () => clock });
    await voice(5220, IRINA, null);
    expect(await playerOf(db, IRINA)).toMatchObject({ total_voice_time: 180, xp: 30 });
    expect(await findLedgerMismatches(db.pool)).toMatchObject({ mismatches: [] });
  });
});
