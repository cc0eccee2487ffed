/**
 * The peer of bench/website.ts: a bare NestJS 11 application on Express, in its own process
 * like the website. Prints `{"port":N}` on stdout.
 *
 * - `GET /bare` returns a constant: the peer every page is measured against.
 * - `GET /bare-read` (when DATABASE_URL is set) reads the request's session row, by the
 *   `ttfd.sid` cookie, with the website store's own statement (READ_SESSION_SQL: the row and
 *   its account followed through merges) and returns a constant: the
 *   most a route that reads PostgreSQL once per request reaches on the same machine (a
 *   signed-in page cannot read less than its session).
 */
import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool } from 'pg';
import { READ_SESSION_SQL } from '@ttfd/website';

const pool = process.env.DATABASE_URL
  ? new Pool({ connectionString: process.env.DATABASE_URL, max: 10, application_name: 'bench-bare' })
  : null;

/** The session id from a signed `ttfd.sid` cookie (the signature is not checked here). */
function sessionId(req: { headers: { cookie?: string } }): string {
  const value = /(?:^|;\s*)ttfd\.sid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
  const signed = decodeURIComponent(value);
  return signed.slice(2, signed.lastIndexOf('.'));
}

@Controller()
class BareController {
  @Get('bare')
  bare(): string {
    return 'ok';
  }

  @Get('bare-read')
  async bareRead(@Req() req: { headers: { cookie?: string } }): Promise<string> {
    const { rows } = await pool!.query({
      name: 'read-session',
      text: READ_SESSION_SQL,
      values: [sessionId(req)],
    });
    if (rows.length !== 1) throw new NotFoundException('no such session');
    return 'ok';
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main() {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
}

void main();
