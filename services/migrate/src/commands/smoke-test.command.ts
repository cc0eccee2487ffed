import { randomUUID } from 'node:crypto';
import { findSmokeTest, recordSmokeTest, removeSmokeTest, removeStaleSmokeTests, wakeWorkers } from '@ttfd/shared';
import type { Pool } from 'pg';
import type { ConnectedCommand } from './command';

const USAGE = 'smoke-test [--health <url>]... [--no-event] [--timeout <seconds>]';
const DEFAULT_TIMEOUT_SECONDS = 60;
/** One health request; a service that takes longer is not answering. */
const REQUEST_TIMEOUT_MS = 5_000;
const HEALTH_RETRY_MS = 2_000;
const EVENT_POLL_MS = 200;
/** A worker whose LISTEN connection is being re-made still finds the event by its poll; a NOTIFY again brings it sooner. */
const NOTIFY_AGAIN_MS = 5_000;
/** Smoke test events older than this are from runs stopped midway (a killed `helm test` pod). */
const STALE_SECONDS = 600;

interface Options {
  urls: string[];
  event: boolean;
  timeoutSeconds: number;
}

function parseOptions(args: string[]): Options | string {
  const options: Options = { urls: [], event: true, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--no-event') options.event = false;
    else if (arg === '--health') {
      const url = args[++i];
      if (!url || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
        return `--health needs an http(s) URL, not "${url ?? ''}"`;
      options.urls.push(url);
    } else if (arg === '--timeout') {
      const seconds = Number(args[++i]);
      if (!Number.isFinite(seconds) || seconds <= 0) return `--timeout needs a positive number of seconds`;
      options.timeoutSeconds = seconds;
    } else return `unknown option "${arg}"`;
  }
  if (options.urls.length === 0 && !options.event)
    return 'nothing to check: give --health URLs or leave out --no-event';
  return options;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Null when `url` answers 2xx, else what it answered. */
async function askHealth(url: string): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: 'manual' });
    if (res.ok) return null;
    const body = (await res.text()).trim().replace(/\s+/g, ' ').slice(0, 300);
    return `HTTP ${res.status}${body ? ` ${body}` : ''}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
    return e.cause?.code ?? e.cause?.message ?? e.message;
  }
}

/** Asks every URL until all answer 2xx or the deadline passes; returns the ones that never did, with their last answer. */
async function checkHealth(urls: string[], deadline: number, out: (line: string) => void): Promise<string[]> {
  const waiting = new Map(urls.map((url) => [url, 'not asked yet']));
  for (;;) {
    await Promise.all(
      [...waiting.keys()].map(async (url) => {
        const problem = await askHealth(url);
        if (problem === null) {
          waiting.delete(url);
          out(`ready: ${url}`);
        } else waiting.set(url, problem);
      }),
    );
    if (waiting.size === 0 || performance.now() + HEALTH_RETRY_MS > deadline)
      return [...waiting].map(([url, problem]) => `${url}: ${problem}`);
    await sleep(HEALTH_RETRY_MS);
  }
}

/** Writes one smoke test event and waits until a sync worker settles it; returns why it failed, or null. */
async function sendEvent(pool: Pool, timeoutSeconds: number, deadline: number, out: (line: string) => void) {
  const stale = await removeStaleSmokeTests(pool, STALE_SECONDS);
  if (stale > 0) out(`Removed ${stale} smoke test event(s) left by earlier runs.`);
  const started = performance.now();
  const id = await recordSmokeTest(pool, randomUUID());
  out(`Wrote smoke_test event ${id}; waiting up to ${timeoutSeconds} s for a sync worker to settle it.`);
  try {
    let notified = started;
    for (;;) {
      const event = await findSmokeTest(pool, id);
      const ms = Math.round(performance.now() - started);
      if (!event) return `the smoke test event ${id} disappeared before a sync worker settled it`;
      if (event.processed) {
        out(`The sync worker settled the event after ${ms} ms.`);
        return null;
      }
      if (event.dead)
        return (
          `a sync worker dead-lettered the smoke test event: ${event.lastError ?? 'no error recorded'} ` +
          `(a worker older than this CLI does not know the smoke_test type)`
        );
      if (performance.now() > deadline)
        return (
          `no sync worker settled the smoke test event within ${timeoutSeconds} s ` +
          `(${event.attempts} attempt(s), ${event.lastError ?? 'no error recorded'}): is the sync worker running ` +
          `against this database? \`ttfd events stats\` shows the queue`
        );
      if (performance.now() - notified > NOTIFY_AGAIN_MS) {
        await wakeWorkers(pool);
        notified = performance.now();
      }
      await sleep(EVENT_POLL_MS);
    }
  } finally {
    await removeSmokeTest(pool, id);
  }
}

/**
 * `smoke-test`: what `helm test` runs against a release. Every given health URL answers 2xx,
 * and one event of no player goes through the sync worker's claim and settle; the event is
 * removed afterwards, whatever happened. Exits 1 naming each part that did not answer.
 */
export const smokeTestCommand: ConnectedCommand = {
  name: 'smoke-test',
  usage: USAGE,
  summary: `check the services' health URLs and send one event through the sync worker (default timeout ${DEFAULT_TIMEOUT_SECONDS} s)`,
  async run({ args, pool, out, err }) {
    const options = parseOptions(args);
    if (typeof options === 'string') {
      err(`${options}.\nUsage: ttfd ${USAGE}`);
      return 2;
    }
    const deadline = performance.now() + options.timeoutSeconds * 1000;
    const [unhealthy, eventProblem] = await Promise.all([
      checkHealth(options.urls, deadline, out),
      options.event ? sendEvent(pool, options.timeoutSeconds, deadline, out) : Promise.resolve(null),
    ]);
    if (unhealthy.length > 0)
      err(`Not ready within ${options.timeoutSeconds} s:\n${unhealthy.map((line) => `  ${line}`).join('\n')}`);
    if (eventProblem) err(`The event through the worker failed: ${eventProblem}.`);
    if (unhealthy.length > 0 || eventProblem) return 1;
    out(
      `Smoke test passed: ${options.urls.length} service(s) ready` +
        (options.event ? ', one event settled by the sync worker.' : '.'),
    );
    return 0;
  },
};
