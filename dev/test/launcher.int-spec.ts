import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { REGISTER_TS, startFakeTelegram, waitUntil, type FakeTelegram } from '@ttfd/testing';

const LAUNCHER = path.resolve(__dirname, '../src/launcher.ts');
const TOKEN = '123456:TEST-token';

let fake: FakeTelegram;
let dataDir: string;
beforeAll(async () => {
  fake = await startFakeTelegram();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-launcher-'));
  // The embedded server runs as an unprivileged user when the tests run as root.
  fs.chmodSync(dataDir, 0o777);
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

it('stops every service with one drain each, then PostgreSQL, on one Ctrl-C', async () => {
  const env = { ...process.env } as Record<string, string | undefined>;
  delete env.DATABASE_URL;
  // A terminal's foreground process group: the launcher leads its own, as under a shell.
  const launcher = spawn(process.execPath, ['-r', REGISTER_TS, LAUNCHER], {
    env: {
      ...env,
      TTFD_RUN_FROM_SOURCE: '1',
      TTFD_DEV_DATA_DIR: path.join(dataDir, 'pg'),
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_PORT: '0',
      SYNC_WORKER_PORT: '0',
      WEBSITE_PORT: '0',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  launcher.stdout!.on('data', (d) => (output += d));
  launcher.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
  try {
    await waitUntil(
      () => {
        if (launcher.exitCode !== null) throw new Error(`the launcher exited early:\n${output}`);
        return (
          output.includes('telegram bot up (long polling)') &&
          output.includes('listening for new events') &&
          output.includes('website up')
        );
      },
      60_000,
      'the services to start',
    );
    const pgPort = Number(/127\.0\.0\.1:(\d+)\/ttfd/.exec(output)![1]);
    expect(await portOpen(pgPort)).toBe(true);

    process.kill(-launcher.pid!, 'SIGINT');
    expect(await exited).toBe(0);

    const lines = output.split('\n');
    const of = (service: string, text: string) => lines.filter((l) => l.includes(`[${service}]`) && l.includes(text));
    for (const service of ['sync-worker', 'telegram', 'website']) {
      expect(of(service, '"msg":"draining"')).toHaveLength(1);
      expect(of(service, 'drained; exiting')).toHaveLength(1);
      expect(of(service, 'second signal')).toHaveLength(0);
    }
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    const exitedAt = [at('sync-worker exited (code 0)'), at('telegram exited (code 0)'), at('website exited (code 0)')];
    expect(exitedAt.every((i) => i >= 0)).toBe(true);
    expect(at('stopping PostgreSQL')).toBeGreaterThan(Math.max(...exitedAt));
    expect(output).not.toContain('terminating connection due to administrator command');
    expect(await portOpen(pgPort)).toBe(false);
  } finally {
    if (launcher.exitCode === null) process.kill(-launcher.pid!, 'SIGKILL');
  }
});
