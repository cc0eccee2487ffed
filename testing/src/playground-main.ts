/**
 * The stand-ins' own process, as the `make run` launcher starts it when a platform token
 * is missing (never in an image or the chart: the test kit is in neither).
 *
 *   PLAYGROUND_TELEGRAM=1|0  stand in for Telegram
 *   PLAYGROUND_DISCORD=1|0   stand in for Discord
 *   PLAYGROUND_PORT          the control API's port (default 8090; 0: any free one)
 *
 * Once listening it tells its parent over IPC `{ready: {url, serviceEnv, rankRoles}}` (or prints that
 * as one JSON line without IPC). SIGTERM or SIGINT, or the parent going away, closes
 * every server and exits 0.
 */
import { PLAYGROUND_RANK_ROLES, startPlayground, type Playground } from './playground';

const say = (line: string) => process.stdout.write(`${line}\n`);

function flag(name: string): boolean {
  const value = process.env[name] ?? '0';
  if (value !== '1' && value !== '0') {
    process.stderr.write(`${name} must be 1 or 0, got "${value}"\n`);
    process.exit(2);
  }
  return value === '1';
}

async function main() {
  const telegram = flag('PLAYGROUND_TELEGRAM');
  const discord = flag('PLAYGROUND_DISCORD');
  const port = Number(process.env.PLAYGROUND_PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`PLAYGROUND_PORT must be a port number (0-65535), got "${process.env.PLAYGROUND_PORT}"\n`);
    process.exit(2);
  }
  let playground: Playground | null = null;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await playground?.close();
    say('stand-ins stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());

  playground = await startPlayground({ telegram, discord, port }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    process.stderr.write(`port ${port} is taken: set PLAYGROUND_PORT to a free port for the control API\n`);
    process.exit(1);
  });
  if (playground.telegram) say(`Telegram stand-in: ${playground.telegram.url}`);
  if (playground.discord)
    say(`Discord stand-in: ${playground.discord.url} (gateway ${playground.discord.gateway.url})`);
  say(`control API: ${playground.url}/playground`);
  const rankRoles = playground.discord ? PLAYGROUND_RANK_ROLES : [];
  const ready = { ready: { url: playground.url, serviceEnv: playground.serviceEnv, rankRoles } };
  if (process.send) process.send(ready);
  else say(JSON.stringify(ready));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
