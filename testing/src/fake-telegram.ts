import type http from 'node:http';
import { listenFake, readBody, sendJson, sleep } from './http-fake';

/** One Bot API request the fake received. */
export interface TelegramCall {
  method: string;
  token: string;
  params: Record<string, any>;
  at: number;
}

/** A message the bot sent (sendMessage, sendDice), as the fake stored it. */
export interface TelegramSentMessage {
  message_id: number;
  chat_id: string;
  token: string;
  text?: string;
  dice?: { emoji: string; value: number };
  reply_markup?: unknown;
  at: number;
}

export interface TelegramFault {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface FakeTelegram {
  /** The `apiRoot` to give the client library. */
  url: string;
  calls: TelegramCall[];
  messages: TelegramSentMessage[];
  /** Answers the next `times` calls of `method` (for `chatId` only, if given) with an error. */
  fail(method: string, fault: TelegramFault, options?: { times?: number; chatId?: string | number }): void;
  /** Forgets every fault not yet used. */
  clearFaults(): void;
  /** Closes the connection of the next `times` calls of `method` after reading them: the bot cannot tell whether they were done. */
  dropAfterRequest(method: string, times?: number): void;
  /** Every send to the chat fails with 403 "bot was blocked by the user". */
  blockChat(chatId: string | number): void;
  /** The user unblocks the bot: sends to the chat work again. */
  unblockChat(chatId: string | number): void;
  /** Every send to the chat fails with 400 "chat not found". */
  forgetChat(chatId: string | number): void;
  /** Delay before answering each request (ms). */
  delayMs: number;
  /** Values sendDice returns, in order (then random). */
  diceValues: number[];
  /** Queues an update for getUpdates (its update_id is assigned when missing). */
  pushUpdate(update: Record<string, unknown>): number;
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | null;
  commands: unknown[];
  /** Calls of one method, optionally for one chat. */
  callsOf(method: string, chatId?: string | number): TelegramCall[];
  close(): Promise<void>;
}

const BOT_USER = { id: 7000000001, is_bot: true, first_name: 'TTFD', username: 'ttfd_test_bot' };

function parseValue(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (!name) continue;
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    out[name] =
      filename !== undefined
        ? { filename, size: Buffer.byteLength(content, 'latin1') }
        : parseValue(Buffer.from(content, 'latin1').toString('utf8'));
  }
  return out;
}

async function parseParams(req: http.IncomingMessage, url: URL): Promise<Record<string, any>> {
  const params: Record<string, any> = {};
  for (const [k, v] of url.searchParams) params[k] = parseValue(v);
  const body = await readBody(req);
  if (body.length === 0) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return { ...params, ...JSON.parse(body.toString('utf8')) };
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    return { ...params, ...parseMultipart(body, (boundary?.[1] ?? boundary?.[2] ?? '').trim()) };
  }
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = parseValue(v);
  return params;
}

/**
 * A Telegram Bot API server on 127.0.0.1 speaking the real wire format
 * (`/bot<token>/<method>`, `{ok, result}` / `{ok: false, error_code, description,
 * parameters}`), for the real client library to talk to. Any token is accepted and
 * recorded with each call.
 */
export async function startFakeTelegram(): Promise<FakeTelegram> {
  const faults: { method: string; fault: TelegramFault; times: number; chatId?: string }[] = [];
  const blocked = new Set<string>();
  const drops = new Map<string, number>();
  const unknown = new Set<string>();
  const updates: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;

  const fake: FakeTelegram = {
    url: '',
    calls: [],
    messages: [],
    delayMs: 0,
    diceValues: [],
    webhook: null,
    commands: [],
    fail(method, fault, options = {}) {
      faults.push({
        method,
        fault,
        times: options.times ?? 1,
        chatId: options.chatId === undefined ? undefined : String(options.chatId),
      });
    },
    clearFaults: () => {
      faults.splice(0);
      drops.clear();
    },
    dropAfterRequest: (method, times = 1) => void drops.set(method, times),
    blockChat: (chatId) => void blocked.add(String(chatId)),
    unblockChat: (chatId) => void blocked.delete(String(chatId)),
    forgetChat: (chatId) => void unknown.add(String(chatId)),
    pushUpdate(update) {
      const id = (update.update_id as number | undefined) ?? nextUpdateId;
      nextUpdateId = Math.max(nextUpdateId, id + 1);
      updates.push({ ...update, update_id: id });
      for (const wake of waiters) wake();
      return id;
    },
    callsOf: (method, chatId) =>
      fake.calls.filter(
        (c) => c.method === method && (chatId === undefined || String(c.params.chat_id) === String(chatId)),
      ),
    close: async () => {},
  };

  function message(chatId: string, token: string, extra: Partial<TelegramSentMessage>) {
    const sent: TelegramSentMessage = { message_id: nextMessageId++, chat_id: chatId, token, at: Date.now(), ...extra };
    fake.messages.push(sent);
    return {
      message_id: sent.message_id,
      date: Math.floor(sent.at / 1000),
      chat: { id: Number(chatId), type: 'private' },
      from: BOT_USER,
      ...(extra.text !== undefined ? { text: extra.text } : {}),
      ...(extra.dice ? { dice: extra.dice } : {}),
      ...(extra.reply_markup ? { reply_markup: extra.reply_markup } : {}),
    };
  }

  async function getUpdates(params: Record<string, any>) {
    const offset = Number(params.offset ?? 0);
    const limit = Number(params.limit ?? 100);
    const pending = () => updates.filter((u) => (u.update_id as number) >= offset);
    // Confirming an offset forgets everything before it, as Telegram does.
    while (updates.length > 0 && (updates[0]!.update_id as number) < offset) updates.shift();
    const timeout = Number(params.timeout ?? 0) * 1000;
    if (pending().length === 0 && timeout > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeout);
        waiters.add(done);
      });
    }
    return pending().slice(0, limit);
  }

  function answer(method: string, token: string, p: Record<string, any>): unknown {
    const chatId = p.chat_id === undefined ? '' : String(p.chat_id);
    switch (method) {
      case 'getMe':
        return BOT_USER;
      case 'setMyCommands':
        fake.commands = (p.commands as unknown[]) ?? [];
        return true;
      case 'getMyCommands':
        return fake.commands;
      case 'setWebhook':
        fake.webhook = {
          url: String(p.url),
          secret_token: p.secret_token,
          ...(Array.isArray(p.allowed_updates) ? { allowed_updates: p.allowed_updates as string[] } : {}),
        };
        return true;
      case 'deleteWebhook':
        fake.webhook = null;
        return true;
      case 'getWebhookInfo':
        // The secret token is never returned, as on Telegram.
        return {
          url: fake.webhook?.url ?? '',
          has_custom_certificate: false,
          pending_update_count: updates.length,
          ...(fake.webhook?.allowed_updates ? { allowed_updates: fake.webhook.allowed_updates } : {}),
        };
      case 'sendMessage':
        return message(chatId, token, { text: String(p.text), reply_markup: p.reply_markup });
      case 'sendDice': {
        const emoji = String(p.emoji ?? '🎲');
        const max = emoji === '🎰' ? 64 : emoji === '🏀' || emoji === '⚽' ? 5 : 6;
        const value = fake.diceValues.shift() ?? 1 + Math.floor(Math.random() * max);
        return message(chatId, token, { dice: { emoji, value } });
      }
      case 'editMessageText': {
        const found = fake.messages.find((m) => m.chat_id === chatId && m.message_id === Number(p.message_id));
        if (!found) return undefined;
        found.text = String(p.text);
        if (p.reply_markup) found.reply_markup = p.reply_markup;
        return {
          message_id: found.message_id,
          date: Math.floor(found.at / 1000),
          edit_date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chatId), type: 'private' },
          from: BOT_USER,
          text: found.text,
          ...(found.reply_markup ? { reply_markup: found.reply_markup } : {}),
        };
      }
      case 'answerCallbackQuery':
      case 'sendChatAction':
      case 'deleteMessage':
        return true;
      default:
        return null;
    }
  }

  const started = await listenFake((req, res) => {
    const run = async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!match) return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, method] = match as unknown as [string, string, string];
      const params = await parseParams(req, url);
      fake.calls.push({ method, token, params, at: Date.now() });
      if (fake.delayMs > 0) await sleep(fake.delayMs);
      const drop = drops.get(method) ?? 0;
      if (drop > 0) {
        drops.set(method, drop - 1);
        if (method === 'sendMessage') message(String(params.chat_id), token, { text: String(params.text) });
        req.socket.destroy();
        return;
      }
      if (!/^\d+:[\w-]+$/.test(token))
        return sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
      const i = faults.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
      if (i >= 0) {
        const f = faults[i]!;
        if (--f.times <= 0) faults.splice(i, 1);
        const { retry_after, ...rest } = f.fault;
        return sendJson(res, f.fault.error_code, {
          ok: false,
          ...rest,
          ...(retry_after !== undefined ? { parameters: { retry_after } } : {}),
        });
      }
      if (chatId !== undefined && blocked.has(chatId))
        return sendJson(res, 403, {
          ok: false,
          error_code: 403,
          description: 'Forbidden: bot was blocked by the user',
        });
      if (chatId !== undefined && unknown.has(chatId))
        return sendJson(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      if (method === 'getUpdates') return sendJson(res, 200, { ok: true, result: await getUpdates(params) });
      const result = answer(method, token, params);
      if (result === undefined)
        return sendJson(res, 400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: message to edit not found',
        });
      if (result === null)
        return sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      return sendJson(res, 200, { ok: true, result });
    };
    run().catch((err: Error) => sendJson(res, 500, { ok: false, error_code: 500, description: err.message }));
  });
  fake.url = `http://127.0.0.1:${started.port}`;
  fake.close = async () => {
    for (const wake of waiters) wake();
    await started.close();
  };
  return fake;
}
