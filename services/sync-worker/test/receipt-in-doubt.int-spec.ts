import {
  createTestDatabase,
  startFakeTelegram,
  startTcpProxy,
  type FakeTelegram,
  type TcpProxy,
  type TestDatabase,
} from '@ttfd/testing';
import type { SyncWorkerService } from '../src/service';
import { addEvents, addPlayers, eventRows, startWorker, waitForDrain, workerEnv } from './helpers';

// The connection drops around a receipt write: the database stored it but the answer
// never reached the worker, or it never arrived. The worker must neither lose the message
// nor send it twice: it remembers its own attempt and settles it on the next try.

let db: TestDatabase;
let telegram: FakeTelegram;
let proxy: TcpProxy;
let running: SyncWorkerService | null = null;

beforeAll(async () => {
  db = await createTestDatabase();
  telegram = await startFakeTelegram();
  const url = new URL(db.url);
  proxy = await startTcpProxy(url.hostname, Number(url.port));
  running = await startWorker({
    ...workerEnv(db, { telegram: telegram.url }, { SYNC_POLL_MS: '200', SYNC_BACKOFF_BASE_MS: '100' }),
    DATABASE_URL: proxy.rewrite(db.url),
    SYNC_LISTEN_DATABASE_URL: db.url,
  });
});
afterAll(async () => {
  await running?.stop();
  await proxy?.close();
  await telegram?.close();
  await db?.drop();
});

async function receipt(eventId: string) {
  const { rows } = await db.pool.query(
    `SELECT status, detail FROM delivery_receipts WHERE event_id = $1 AND target = 'telegram:message'`,
    [eventId],
  );
  return rows[0];
}

it('sends the message once when the receipt written before it lost its answer', async () => {
  const [p] = await addPlayers(db, 1, 71_000);
  proxy.cutAfter('ttfd-begin-delivery');
  const [id] = await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: { achievement: 'a1' } }]);
  await waitForDrain(db, 30_000);

  // The player gets the message exactly once; before, it was recorded `unknown` and never sent.
  const sent = telegram.messages.filter((m) => m.chat_id === p!.telegramId);
  expect(sent).toHaveLength(1);
  expect(await receipt(id!)).toEqual({ status: 'sent', detail: String(sent[0]!.message_id) });
  const [event] = await eventRows(db, 'id = $1', [id]);
  expect(event).toMatchObject({ processed: true, dead_at: null });
});

it('records the message as sent, not unknown, when the receipt written after it could not be stored', async () => {
  const [p] = await addPlayers(db, 1, 72_000);
  proxy.cutBefore('ttfd-finish-delivery');
  const [id] = await addEvents(db, [{ userId: p!.userId, type: 'achievement_unlocked', data: { achievement: 'a2' } }]);
  await waitForDrain(db, 30_000);

  const sent = telegram.messages.filter((m) => m.chat_id === p!.telegramId);
  expect(sent).toHaveLength(1);
  expect(await receipt(id!)).toEqual({ status: 'sent', detail: String(sent[0]!.message_id) });
});
