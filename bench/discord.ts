/**
 * `make bench BENCH=discord`: the Discord bot's message path against a bare discord.js
 * client, in one run. The stand-in gateway (the test kit's) pushes MESSAGES (20,000)
 * messages from MEMBERS (2,000) members as fast as it can send them; the bare client only
 * counts `messageCreate`, ours counts them into PostgreSQL (embedded 18, stock settings,
 * fsync on) through its coalesced flushes. Rate = messages / (first sent → last fully
 * handled: counted by the bare client; committed in `messages_sent` for ours).
 * Prints one JSON line with `ratio` (ours / bare) and whether `messages_sent` is exact.
 */
import { Client, GatewayIntentBits, Options } from 'discord.js';
import { Pool } from 'pg';
import pino from 'pino';
import { findLedgerMismatches } from '@ttfd/shared';
import { CHANNEL_TYPES, fakeUser, snowflakeAt, startFakeDiscord, type FakeDiscord } from '@ttfd/testing';
import { parseDiscordConfig, startDiscordService } from '@ttfd/discord';
import { startBenchDatabase } from './lib/bench-database';

const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const MEMBERS = Number(process.env.MEMBERS ?? 2_000);
const GUILD = '900000000000000001';
const TEXT = '900000000000000002';
const TOKEN = 'bench-bot-token.for-the-stand-in_0123456789';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const memberId = (i: number) => String(1_000_000_000_000_000n + BigInt(i));

/** One message every 10 ms of message time, members taking turns: 10 each, 20 s apart. */
const T0 = Date.now() - 3_600_000;
const script = Array.from({ length: MESSAGES }, (_, k) => ({
  id: snowflakeAt(T0 + k * 10, k),
  author: memberId(k % MEMBERS),
}));

async function push(fake: FakeDiscord): Promise<number> {
  const started = performance.now();
  for (let k = 0; k < script.length; k++) {
    const m = script[k]!;
    fake.gateway.sendMessage({ id: m.id, channelId: TEXT, author: fakeUser(m.author), content: 'gg wp' });
    // Let the sockets drain now and then, as a real gateway's TCP stream would.
    if (k % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  return started;
}

async function bare(fake: FakeDiscord) {
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildVoiceStates,
    ],
    rest: { api: fake.url },
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
  let count = 0;
  let last = 0;
  client.on('messageCreate', () => {
    count++;
    last = performance.now();
  });
  const ready = new Promise((resolve) => client.once('clientReady', resolve));
  await client.login(TOKEN);
  await ready;
  const started = await push(fake);
  while (count < MESSAGES) await sleep(5);
  await client.destroy();
  return { seconds: (last - started) / 1000 };
}

async function ours(fake: FakeDiscord, url: string) {
  const config = parseDiscordConfig({
    DATABASE_URL: url,
    PORT: '0',
    DISCORD_TOKEN: TOKEN,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_ROOT: fake.url,
  });
  const service = await startDiscordService(config, pino({ level: 'warn' }, pino.destination(2)));
  await service.parts.gatewayReady;
  const pool = new Pool({ connectionString: url, max: 1 });
  const started = await push(fake);
  let done: number;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(`SELECT coalesce(sum(messages_sent), 0) AS n FROM unified_users`);
    if (Number(rows[0]!.n) >= MESSAGES) {
      done = performance.now();
      break;
    }
    await sleep(5);
  }
  const flushes = (await service.registry.getSingleMetric('ttfd_discord_flush_messages')!.get()).values;
  await service.stop();
  const { rows } = await pool.query<{ total: string; members: string; off: string }>(
    `SELECT sum(messages_sent) AS total, count(*) AS members,
            count(*) FILTER (WHERE messages_sent <> $1) AS off FROM unified_users WHERE discord_id IS NOT NULL`,
    [MESSAGES / MEMBERS],
  );
  const ledger = await findLedgerMismatches(pool);
  await pool.end();
  return {
    seconds: (done - started) / 1000,
    messagesSent: Number(rows[0]!.total),
    members: Number(rows[0]!.members),
    membersOff: Number(rows[0]!.off),
    ledgerMismatches: ledger.mismatches.length,
    flushes:
      flushes.find((v) => (v as { metricName?: string }).metricName === 'ttfd_discord_flush_messages_count')?.value ??
      0,
  };
}

async function main() {
  const db = await startBenchDatabase('discord', 0);
  const fake = await startFakeDiscord();
  fake.gateway.addGuild({
    id: GUILD,
    channels: [{ id: TEXT, name: 'general', type: CHANNEL_TYPES.GuildText }],
    members: Array.from({ length: MEMBERS }, (_, i) => ({ user: fakeUser(memberId(i)), roles: [] })),
  });
  try {
    log(`bare discord.js: ${MESSAGES} messages from ${MEMBERS} members`);
    const b = await bare(fake);
    log(`  ${(MESSAGES / b.seconds).toFixed(0)} messages/s`);
    log('ours: counted into PostgreSQL');
    const o = await ours(fake, db.url);
    log(`  ${(MESSAGES / o.seconds).toFixed(0)} messages/s in ${o.flushes} flushes`);
    const line = {
      bench: 'discord',
      messages: MESSAGES,
      members: MEMBERS,
      bare_per_second: Math.round(MESSAGES / b.seconds),
      ours_per_second: Math.round(MESSAGES / o.seconds),
      ratio: Math.round((b.seconds / o.seconds) * 100) / 100,
      flushes: o.flushes,
      messages_sent: o.messagesSent,
      messages_sent_exact: o.messagesSent === MESSAGES && o.members === MEMBERS && o.membersOff === 0,
      ledger_mismatches: o.ledgerMismatches,
      postgres: db.settings,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await fake.close();
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
