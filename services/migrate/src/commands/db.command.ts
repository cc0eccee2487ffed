import { Client } from 'pg';
import type { SelfConnectingCommand } from './command';

const USAGE = 'db wait [--timeout <seconds>]';
const DEFAULT_TIMEOUT_SECONDS = 60;
const FIRST_RETRY_MS = 200;
const LONGEST_RETRY_MS = 5_000;
/** A silently dropped connection attempt must not use up the whole wait. */
const LONGEST_ATTEMPT_MS = 10_000;
/** Less time than this left is no fair attempt (it would only report its own timeout). */
const LAST_ATTEMPT_MS = 100;

/** host:port/database of a connection URL, without the credentials. */
function describeTarget(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || 5432}${url.pathname}`;
}

/** One attempt: connect and `SELECT 1`. Returns the error, or undefined when the database answered. */
async function ask(databaseUrl: string, timeoutMs: number): Promise<Error | undefined> {
  const client = new Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    application_name: 'ttfd-db',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    return err as Error;
  }
  try {
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    await client.end();
  }
}

/** Node reports a refused connection to every address of a name (::1 and 127.0.0.1) as an AggregateError without a message. */
function reason(error: Error): string {
  if (error.message) return error.message;
  if (error instanceof AggregateError) return error.errors.map((e: Error) => e.message).join('; ');
  return String(error);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseTimeout(args: string[]): number | undefined {
  const at = args.indexOf('--timeout');
  if (at < 0) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(args[at + 1]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** `db wait`: the init container that holds the migration until the database answers (CloudNativePG mode). */
export const dbCommand: SelfConnectingCommand = {
  name: 'db',
  usage: USAGE,
  summary: `wait until the database answers SELECT 1, retrying with backoff; exits 1 after the timeout (default ${DEFAULT_TIMEOUT_SECONDS} s)`,
  connectsItself: true,
  async run({ args, databaseUrl, out, err }) {
    const [action, ...rest] = args;
    const timeoutSeconds = parseTimeout(rest);
    if (action !== 'wait' || timeoutSeconds === undefined) {
      err(`Usage: ttfd ${USAGE} (the timeout is a positive number of seconds)`);
      return 2;
    }
    const target = describeTarget(databaseUrl);
    out(`Waiting up to ${timeoutSeconds} s for the database at ${target} to answer SELECT 1.`);
    const started = performance.now();
    const deadline = started + timeoutSeconds * 1000;
    let retryMs = FIRST_RETRY_MS;
    let lastError: string | undefined;
    for (;;) {
      const remaining = deadline - performance.now();
      if (lastError !== undefined && remaining < LAST_ATTEMPT_MS) {
        err(`The database at ${target} did not answer within ${timeoutSeconds} s (last error: ${lastError}).`);
        return 1;
      }
      const error = await ask(databaseUrl, Math.ceil(Math.min(Math.max(remaining, 1), LONGEST_ATTEMPT_MS)));
      const elapsedSeconds = ((performance.now() - started) / 1000).toFixed(1);
      if (!error) {
        out(`The database at ${target} answered after ${elapsedSeconds} s.`);
        return 0;
      }
      // Each new reason once: a wrong password shows at once, not only at the timeout.
      if (reason(error) !== lastError) out(`Not yet (${elapsedSeconds} s): ${reason(error)}`);
      lastError = reason(error);
      await sleep(Math.min(retryMs, Math.max(deadline - performance.now(), 0)));
      retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
    }
  },
};
