/**
 * The website as a request handler: a NestJS application on an Express instance, served
 * on the service's one port beside /healthz, /readyz and /metrics (the service runner's
 * ops server hands it every other request).
 *
 *   const site = await createWebsite(deps);  site.handler(req, res);  await site.close();
 */
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { LoggerService, Type } from '@nestjs/common';
import type { Logger } from '@ttfd/shared';
import { AppModule, FEATURE_MODULES } from './app.module';
import type { WebsiteDeps } from './core/deps';
import { httpMetrics } from './core/http-metrics';
import { createSessionStore, saveSessionBeforeRedirect, SESSION_COOKIE } from './core/session';

/** Static files: the stylesheet and the small scripts (no inline script anywhere). */
export const PUBLIC_DIR = path.join(__dirname, '..', 'public');

export interface Website {
  handler: express.Express;
  app: NestExpressApplication;
  close(): Promise<void>;
}

function nestLogger(log: Logger): LoggerService {
  return {
    log: (message: unknown, context?: string) => log.debug({ context }, String(message)),
    error: (message: unknown, ...rest: unknown[]) => log.error({ rest }, String(message)),
    warn: (message: unknown, context?: string) => log.warn({ context }, String(message)),
    debug: (message: unknown, context?: string) => log.trace({ context }, String(message)),
    verbose: (message: unknown, context?: string) => log.trace({ context }, String(message)),
  };
}

/** The security headers: a CSP without inline script or style; the Telegram Login Widget's script and frame. */
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", 'https://telegram.org'],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https://t.me', 'https://*.telegram.org', 'https://cdn.discordapp.com'],
        frameSrc: ['https://oauth.telegram.org'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** Public pages that never write a visitor's session (a visitor's CSRF token is in its own cookie). */
const PUBLIC_READS = new Set(['/', '/leaderboard', '/api/v1/leaderboard']);

/**
 * A visitor without a session cookie reading a public page gets no session at all (no id
 * made, nothing hashed or stored): `req.session` is undefined there, as the pages expect.
 */
function skipSessionOnPublicReads(middleware: express.RequestHandler): express.RequestHandler {
  return (req, res, next) => {
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (read && PUBLIC_READS.has(req.path) && !req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return next();
    return middleware(req, res, next);
  };
}

export async function createWebsite(deps: WebsiteDeps, features: Type[] = FEATURE_MODULES): Promise<Website> {
  const { config } = deps;
  const server = express();
  server.set('trust proxy', config.TRUST_PROXY);
  server.disable('x-powered-by');
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(deps, features),
    new ExpressAdapter(server),
    { logger: nestLogger(deps.log), bodyParser: false, abortOnError: false },
  );
  const sessions = createSessionStore(config, deps.pool);
  app.use(httpMetrics(deps.metrics));
  app.use(securityHeaders());
  if (config.PUBLIC_URL.startsWith('https://')) {
    app.use(helmet.strictTransportSecurity({ maxAge: 180 * 24 * 60 * 60 }));
  }
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  app.use(express.urlencoded({ extended: false, limit: '32kb' }));
  app.use(express.json({ limit: '32kb' }));
  app.use(skipSessionOnPublicReads(sessions.middleware));
  app.use(saveSessionBeforeRedirect);
  const openApi = new DocumentBuilder()
    .setTitle('TTFD website API')
    .setDescription('One account and one progression across Telegram, Discord and the web')
    .setVersion('1')
    .addCookieAuth('ttfd.sid')
    .build();
  SwaggerModule.setup('api/v1/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    ui: false,
    raw: ['json'],
    jsonDocumentUrl: 'api/v1/openapi.json',
  });
  await app.init();
  return {
    handler: server,
    app,
    async close() {
      sessions.close();
      await app.close();
    },
  };
}
