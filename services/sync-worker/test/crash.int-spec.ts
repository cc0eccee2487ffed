import {
  createTestDatabase,
  sleep,
  startFakeDiscord,
  startFakeTelegram,
  waitUntil,
  type FakeDiscord,
  type FakeTelegram,
  type TestDatabase,
} from '@ttfd/testing';
import {
  addEvents,
  addPlayers,
  eventRows,
  pendingCount,
  spawnWorker,
  waitForDrain,
  workerEnv,
  workerUp,
  type ChildWorker,
  type NewEvent,
  type Player,
} from './helpers';

let db: TestDatabase;
let telegram: FakeTelegram;
let discord: FakeDiscord;
const children: ChildWorker[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  [telegram, discord] = await Promise.all([startFakeTelegram(), startFakeDiscord()]);
});
afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  await Promise.all([telegram.close(), discord.close()]);
  await db.drop();
});

function spawn(extra: Record<string, string> = {}): ChildWorker {
  const worker = spawnWorker(workerEnv(db, { telegram: telegram.url, discord: discord.url }, extra));
  children.push(worker);
  return worker;
}

const achievement = (key: string) => ({ achievement: key });

/** One notified event per player and key: its message text ends with the key. */
function notified(players: Player[], prefix: string, count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const p = players[i % players.length]!;
    return { userId: p.userId, type: 'achievement_unlocked', data: achievement(`${prefix}${i}`), source: 'website' };
  });
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

it('loses nothing and sends nothing twice when workers are killed at random points (5 runs of 1,000 events)', async () => {
  // Telegram for everyone, Discord DMs for a tenth (the client keeps to Discord's 50 requests/s).
  const players = [
    ...(await addPlayers(db, 90, 60_000)),
    ...(await addPlayers(db, 10, 60_500, { telegram: true, discord: true })),
  ];
  telegram.delayMs = 3;
  discord.delayMs = 3;
  const env = { SYNC_BATCH_SIZE: '100' };
  const names = ['kill-a0', 'kill-b0'];
  const workers = names.map((name) => spawn({ ...env, WORKER_ID: name }));
  await Promise.all(workers.map((w) => workerUp(w)));
  const ids: string[] = [];
  let killedHolding = 0;
  for (let run = 0; run < 5; run++) {
    const events: NewEvent[] = [
      ...notified(players, `r${run}_`, 300),
      ...Array.from({ length: 700 }, (_, i) => ({
        userId: players[i % 100]!.userId,
        type: 'xp_change',
        data: { xp_delta: 1, coins_delta: 0, reason: 'm' },
      })),
    ];
    ids.push(...(await addEvents(db, events)));
    await sleep(100 + Math.random() * 400);
    // Kill the worker holding a batch right now, if one is.
    const busy = await db.backends('ttfd-sync:%', { state: 'idle in transaction' });
    const holder = names.findIndex((name) => busy.some((b) => b.application === `ttfd-sync:${name}`));
    if (holder >= 0) killedHolding++;
    const index = holder >= 0 ? holder : run % 2;
    const victim = workers[index]!;
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;
    // The survivor takes the dead worker's batch over and finishes the run.
    await waitForDrain(db, 30_000);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    names[index] = `kill-${'ab'[index]}${run + 1}`;
    workers[index] = spawn({ ...env, WORKER_ID: names[index]! });
    await workerUp(workers[index]!);
  }
  telegram.delayMs = 0;
  discord.delayMs = 0;
  expect(killedHolding).toBeGreaterThan(0);

  const rows = await eventRows(db, 'id = ANY($1)', [ids]);
  expect(rows).toHaveLength(5_000);
  expect(rows.filter((r) => !r.processed)).toEqual([]);

  const chats = new Set(players.map((p) => p.telegramId));
  const users = new Set(players.map((p) => p.discordId).filter(Boolean));
  const tg = telegram.messages.filter((m) => chats.has(m.chat_id));
  const dms = discord.messages.filter((m) => users.has(m.recipient_id));
  expect([...countBy(tg, (m) => `${m.chat_id}/${m.text}`).values()].filter((n) => n > 1)).toEqual([]);
  expect([...countBy(dms, (m) => `${m.recipient_id}/${m.content}`).values()].filter((n) => n > 1)).toEqual([]);
  // Discord drops a repeated nonce, so a DM cut off by a crash is simply sent again: all
  // arrive. A Telegram message cut off by a crash may or may not have arrived: it is marked
  // unknown and never sent twice.
  expect(dms).toHaveLength(150);
  const { rows: receipts } = await db.pool.query(
    `SELECT target, status, count(*)::int AS n FROM delivery_receipts WHERE event_id = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`,
    [ids],
  );
  const n = (target: string, status: string) =>
    receipts.find((r) => r.target === target && r.status === status)?.n ?? 0;
  expect(n('discord:dm', 'sent')).toBe(150);
  expect(n('telegram:message', 'sent') + n('telegram:message', 'unknown')).toBe(1_500);
  expect(tg.length).toBeGreaterThanOrEqual(n('telegram:message', 'sent'));
  expect(tg.length).toBeLessThanOrEqual(1_500);

  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
});

it('never lets two workers handle the same event', async () => {
  const players = await addPlayers(db, 200, 61_000);
  const a = spawn({ WORKER_ID: 'pair-a', TELEGRAM_BOT_TOKEN: '1111:worker-a', SYNC_BATCH_SIZE: '20' });
  const b = spawn({ WORKER_ID: 'pair-b', TELEGRAM_BOT_TOKEN: '2222:worker-b', SYNC_BATCH_SIZE: '20' });
  await Promise.all([workerUp(a), workerUp(b)]);
  telegram.delayMs = 1;
  await addEvents(db, notified(players, 'pair', 2_000));
  await waitForDrain(db, 30_000);
  telegram.delayMs = 0;
  const chats = new Set(players.map((p) => p.telegramId));
  const sends = telegram.calls.filter((c) => c.method === 'sendMessage' && chats.has(String(c.params.chat_id)));
  expect(sends).toHaveLength(2_000);
  expect([...countBy(sends, (c) => `${c.params.chat_id}/${c.params.text}`).values()].filter((x) => x > 1)).toEqual([]);
  const byWorker = countBy(sends, (c) => c.token);
  expect([...byWorker.keys()].sort()).toEqual(['1111:worker-a', '2222:worker-b']);
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  expect(await a.exited).toEqual({ code: 0, signal: null });
  expect(await b.exited).toEqual({ code: 0, signal: null });
});

it('on SIGTERM finishes or releases its batch and exits 0; a second signal exits at once', async () => {
  const players = await addPlayers(db, 40, 62_000);
  const w = spawn({ WORKER_ID: 'term' });
  await workerUp(w);
  telegram.delayMs = 200;
  const ids = await addEvents(db, notified(players, 'term', 40));
  await waitUntil(() => telegram.calls.some((c) => String(c.params.text).endsWith(': term0')), 10_000);
  w.child.kill('SIGTERM');
  expect(await w.exited).toEqual({ code: 0, signal: null });
  expect(w.output()).toContain('"msg":"draining"');
  expect(w.output()).toContain('"msg":"drained; exiting"');
  const rows = await eventRows(db, 'id = ANY($1)', [ids]);
  expect(rows.filter((r) => r.dead_at !== null || r.attempts > 1)).toEqual([]);
  const { rows: cut } = await db.pool.query(
    `SELECT count(*)::int AS n FROM delivery_receipts WHERE event_id = ANY($1) AND status IN ('sending', 'unknown')`,
    [ids],
  );
  expect(cut[0].n).toBe(0);

  telegram.delayMs = 5_000;
  const hung = spawn({ WORKER_ID: 'term-twice' });
  await workerUp(hung);
  const more = await addEvents(db, notified(players, 'hung', 40));
  await waitUntil(() => telegram.calls.some((c) => String(c.params.text).includes(': hung')), 10_000);
  hung.child.kill('SIGTERM');
  await sleep(100);
  const secondAt = Date.now();
  hung.child.kill('SIGTERM');
  expect(await hung.exited).toEqual({ code: 130, signal: null });
  expect(Date.now() - secondAt).toBeLessThan(2_000);
  telegram.delayMs = 0;

  const last = spawn({ WORKER_ID: 'term-after' });
  await workerUp(last);
  await waitForDrain(db, 20_000);
  const chats = new Set(players.map((p) => p.telegramId));
  const texts = telegram.messages.filter((m) => chats.has(m.chat_id)).map((m) => `${m.chat_id}/${m.text}`);
  expect([...countBy(texts, (t) => t).values()].filter((x) => x > 1)).toEqual([]);
  const all = await eventRows(db, 'id = ANY($1)', [[...ids, ...more]]);
  expect(all.filter((r) => !r.processed)).toEqual([]);
  last.child.kill('SIGTERM');
  await last.exited;
});

it('gives the batch of a hung worker to another once its lease runs out', async () => {
  const players = await addPlayers(db, 20, 63_000);
  const hung = spawn({ WORKER_ID: 'hung', SYNC_LEASE_MS: '2000' });
  await workerUp(hung);
  telegram.delayMs = 300;
  const ids = await addEvents(db, notified(players, 'lease', 20));
  await waitUntil(() => telegram.calls.some((c) => String(c.params.text).includes(': lease')), 10_000);
  hung.child.kill('SIGSTOP');
  const stoppedAt = Date.now();
  telegram.delayMs = 0;
  const other = spawn({ WORKER_ID: 'rescuer', SYNC_LEASE_MS: '2000' });
  await workerUp(other);
  await waitUntil(async () => (await pendingCount(db)) === 0, 30_000, 'the rescuer to finish the hung batch');
  expect(Date.now() - stoppedAt).toBeLessThan(30_000);
  hung.child.kill('SIGCONT');
  await sleep(1_000);
  const chats = new Set(players.map((p) => p.telegramId));
  const texts = telegram.messages.filter((m) => chats.has(m.chat_id)).map((m) => `${m.chat_id}/${m.text}`);
  expect([...countBy(texts, (t) => t).values()].filter((x) => x > 1)).toEqual([]);
  expect((await eventRows(db, 'id = ANY($1)', [ids])).filter((r) => !r.processed)).toEqual([]);
  for (const w of [hung, other]) w.child.kill('SIGTERM');
  await Promise.all([hung.exited, other.exited]);
});
