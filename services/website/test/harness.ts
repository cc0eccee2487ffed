/**
 * The website under test: the real service (its one port: pages, API, /healthz, /readyz,
 * /metrics) on a fresh migrated database, driven over HTTP with supertest.
 *
 *   const site = await startTestWebsite();
 *   const browser = site.browser();             // a cookie-keeping supertest agent
 *   const csrf = await csrfOf(browser);         // the session's token, as a page shows it
 *   await browser.post('/locale').type('form').send({ _csrf: csrf, locale: 'en' });
 *   await site.stop();
 */
import pino from 'pino';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { parseWebsiteConfig, type WebsiteConfig } from '../src/config';
import { startWebsiteService, type WebsiteService } from '../src/main';

export type TestAgent = ReturnType<typeof request.agent>;

export const SESSION_SECRET = 'a-session-secret-for-tests-0123456789abcdef';

export interface TestWebsite {
  db: TestDatabase;
  config: WebsiteConfig;
  service: WebsiteService;
  url: string;
  /** Log records the service wrote. */
  logs: Record<string, unknown>[];
  /** A new visitor: a supertest agent that keeps its cookies. */
  browser(): TestAgent;
  stop(): Promise<void>;
}

export async function startTestWebsite(
  options: { env?: Record<string, string>; db?: TestDatabase } = {},
): Promise<TestWebsite> {
  const db = options.db ?? (await createTestDatabase());
  const config = parseWebsiteConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    SESSION_SECRET,
    PUBLIC_URL: 'http://127.0.0.1',
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const service = await startWebsiteService(config, log);
  const url = `http://127.0.0.1:${service.port}`;
  return {
    db,
    config,
    service,
    url,
    logs,
    browser: () => request.agent(url),
    async stop() {
      await service.stop();
      if (!options.db) await db.drop();
    },
  };
}

/** The CSRF token the session's pages carry (`<meta name="csrf-token">`), read from `path`. */
export async function csrfOf(browser: TestAgent, path = '/'): Promise<string> {
  const res = await browser.get(path).expect(200);
  const token = /<meta name="csrf-token" content="([^"]+)"\s*\/?>/.exec(res.text)?.[1];
  if (!token) throw new Error(`no CSRF token on ${path}`);
  return token;
}

/** Signs up through the form (its CSRF token first); the answer, for the test to check. */
export async function signUp(browser: TestAgent, email: string, password: string, displayName = '') {
  const csrf = await csrfOf(browser, '/signup');
  return browser
    .post('/signup')
    .set('accept-language', 'en')
    .type('form')
    .send({ _csrf: csrf, email, password, display_name: displayName });
}

/** The text a player reads on a page: tags dropped, entities of the escaper decoded, spaces collapsed. */
export function visibleText(page: string): string {
  return page
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value of one series in /metrics text (labels in any order; 0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => match[2]!.includes(`${k}="${v}"`));
    if (has) return Number(match[3]);
  }
  return 0;
}

/** Whether the checkbox with this id is checked on the page. */
export function isChecked(page: string, id: string): boolean {
  const input = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  if (!input) throw new Error(`no input #${id} on the page`);
  return /\schecked[\s/>]/.test(input);
}
