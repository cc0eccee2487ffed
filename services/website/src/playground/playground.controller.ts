/**
 * /playground: a mock Telegram chat and Discord channel for the playground's test players,
 * served only when PLAYGROUND_API_URL names the stand-ins' control API (`make run` without
 * tokens; the chart never sets it). Every action goes through that API to the stand-ins
 * and so to the real bots; forms post and re-render without JavaScript, and the page's
 * script posts them in place and long-polls `/playground/updates` for what the bots did.
 *
 *   GET  /playground?player=alice                     the page
 *   GET  /playground/updates?player=&after=&wait=     new pane items after the cursor (JSON)
 *   GET  /playground/profile?player=                  the profile beside the chats (an HTML fragment)
 *   POST /playground/telegram/send   {player, text}
 *   POST /playground/telegram/press  {player, message_id, data}
 *   POST /playground/discord/send    {player, channel, content}: a message, or `/command option:value`
 *   POST /playground/discord/press   {player, message_id, custom_id}
 */
import { Body, Controller, Get, HttpStatus, Inject, Module, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findPlayerId, findProfile } from '@ttfd/shared';
import type { WebsiteConfig } from '../config';
import { CONFIG, POOL } from '../core/deps';
import { WebsiteError } from '../core/errors';
import { parseBody, parseQuery } from '../core/validation';
import { pageContext, type PageContext } from '../pages/page-context';
import { playgroundTextsFor } from '../texts/playground';
import {
  parseDiscordLine,
  playgroundApi,
  PlaygroundRefusal,
  type PlaygroundApi,
  type PlaygroundState,
} from './playground-api';
import { panesOf, playgroundDownPage, playgroundPage, profileFragment } from './playground.pages';

const playerName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be a test player name');
const text = z.string().trim().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters');
const playerQuery = z.object({ player: playerName.optional() });
const updatesQuery = z.object({
  player: playerName,
  after: z.coerce.number().int().min(0, 'must be a cursor (a whole number ≥ 0)'),
  wait: z.coerce.number().int().min(0).max(20_000, 'must be at most 20000 (ms)').default(0),
});
const telegramSend = z.object({ player: playerName, text });
const telegramPress = z.object({ player: playerName, message_id: z.coerce.number().int().positive(), data: text });
const discordSend = z.object({ player: playerName, channel: z.string().min(1).max(100), content: text });
const discordPress = z.object({
  player: playerName,
  message_id: z.string().regex(/^\d{1,20}$/, 'must be a message id'),
  custom_id: text,
});

/** Whether the caller is the page's script (JSON answers) rather than a plain form (a redirect or a page). */
const wantsJson = (req: Request) => (req.get('accept') ?? '').includes('application/json');

@Controller('playground')
export class PlaygroundController {
  private readonly api: PlaygroundApi | null;

  constructor(
    @Inject(CONFIG) config: WebsiteConfig,
    @Inject(POOL) private readonly pool: Pool,
  ) {
    this.api = config.PLAYGROUND_API_URL ? playgroundApi(config.PLAYGROUND_API_URL) : null;
  }

  private on(): PlaygroundApi {
    if (!this.api) throw new WebsiteError('not_found', 'No such page', HttpStatus.NOT_FOUND);
    return this.api;
  }

  /** The stand-ins' refusal or silence as the website's error, in the page's language. */
  private failure(ctx: PageContext, err: unknown): WebsiteError {
    const t = playgroundTextsFor(ctx.locale);
    if (err instanceof PlaygroundRefusal) {
      return err.unreachable
        ? new WebsiteError('unavailable', t.unreachable(err.message), HttpStatus.SERVICE_UNAVAILABLE)
        : new WebsiteError(err.status === 404 ? 'not_found' : 'bad_request', t.refused(err.message), err.status);
    }
    if (err instanceof WebsiteError) return err;
    throw err;
  }

  private async stateOf(ctx: PageContext): Promise<PlaygroundState> {
    try {
      return await this.on().state();
    } catch (err) {
      throw this.failure(ctx, err);
    }
  }

  private async profile(ctx: PageContext, state: PlaygroundState, player: string): Promise<string> {
    const p = state.players.find((x) => x.name === player)!;
    const ids = [
      await findPlayerId(this.pool, { platform: 'telegram', id: p.telegram.id }),
      await findPlayerId(this.pool, { platform: 'discord', id: p.discord.id }),
    ].filter((id, i, all): id is string => id !== null && all.indexOf(id) === i);
    const [main, other] = await Promise.all(ids.map((id) => findProfile(this.pool, id, { recent: 0 })));
    const roles = state.guild?.members.find((m) => m.player === player)?.roles ?? [];
    return profileFragment(ctx, { main: main ?? null, other: other ?? null, roles });
  }

  private playerOf(state: PlaygroundState, name: string | undefined): string {
    const player = name ?? state.players[0]?.name;
    if (!player || !state.players.some((p) => p.name === player)) {
      throw new WebsiteError(
        'not_found',
        `No test player "${name}"; players: ${state.players.map((p) => p.name).join(', ')}`,
        HttpStatus.NOT_FOUND,
      );
    }
    return player;
  }

  private async render(req: Request, res: Response, name: string | undefined, error?: WebsiteError): Promise<void> {
    const ctx = pageContext(req);
    const state = await this.stateOf(ctx);
    const player = this.playerOf(state, name);
    const { entries, cursor } = await this.on()
      .transcript(0, 0)
      .catch((err: unknown) => {
        throw this.failure(ctx, err);
      });
    const page = playgroundPage(ctx, {
      state,
      player,
      panes: panesOf(ctx, player, entries),
      cursor,
      profile: await this.profile(ctx, state, player),
      error: error?.message,
    });
    res
      .status(error?.getStatus() ?? 200)
      .type('html')
      .send(page);
  }

  @Get()
  async page(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.on();
    const { player } = parseQuery(playerQuery, query);
    await this.render(req, res, player).catch((err: unknown) => {
      if (!(err instanceof WebsiteError) || err.code !== 'unavailable') throw err;
      res
        .status(err.getStatus())
        .type('html')
        .send(playgroundDownPage(pageContext(req), err.message));
    });
  }

  @Get('updates')
  async updates(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const api = this.on();
    const ctx = pageContext(req);
    try {
      const { player, after, wait } = parseQuery(updatesQuery, query);
      const state = await this.stateOf(ctx);
      this.playerOf(state, player);
      const { entries, cursor } = await api.transcript(after, wait).catch((err: unknown) => {
        throw this.failure(ctx, err);
      });
      res.json({ cursor, ...panesOf(ctx, player, entries) });
    } catch (err) {
      const failure = this.failure(ctx, err);
      res.status(failure.getStatus()).json({ error: { code: failure.code, message: failure.message } });
    }
  }

  @Get('profile')
  async profileOnly(@Query() query: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    this.on();
    const ctx = pageContext(req);
    const state = await this.stateOf(ctx);
    const player = this.playerOf(state, parseQuery(playerQuery, query).player);
    res.type('html').send(await this.profile(ctx, state, player));
  }

  /** Runs one action: a redirect back (a form), `{ok}` (the script), or the page again with the error. */
  private async act(req: Request, res: Response, body: unknown, action: (api: PlaygroundApi) => Promise<string>) {
    const api = this.on();
    const ctx = pageContext(req);
    const name =
      typeof (body as { player?: unknown })?.player === 'string' ? (body as { player: string }).player : undefined;
    let player: string;
    try {
      player = await action(api);
    } catch (err) {
      const failure = this.failure(ctx, err);
      if (wantsJson(req)) {
        res.status(failure.getStatus()).json({ error: { code: failure.code, message: failure.message } });
        return;
      }
      const known = name && /^[a-z][a-z0-9_-]{0,31}$/.test(name) ? name : undefined;
      await this.render(req, res, known, failure).catch(() => this.render(req, res, undefined, failure));
      return;
    }
    if (wantsJson(req)) res.status(200).json({ ok: true });
    else res.redirect(303, `/playground?player=${encodeURIComponent(player)}`);
  }

  @Post('telegram/send')
  telegramSend(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.act(req, res, body, async (api) => {
      const { player, text } = parseBody(telegramSend, body);
      await api.post('/playground/telegram/send', { player, text });
      return player;
    });
  }

  @Post('telegram/press')
  telegramPress(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.act(req, res, body, async (api) => {
      const { player, message_id, data } = parseBody(telegramPress, body);
      await api.post('/playground/telegram/press', { player, message_id, data });
      return player;
    });
  }

  @Post('discord/send')
  discordSend(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.act(req, res, body, async (api) => {
      const { player, channel, content } = parseBody(discordSend, body);
      const line = parseDiscordLine(content);
      if ('message' in line) await api.post('/playground/discord/message', { player, channel, content: line.message });
      else await api.post('/playground/discord/command', { player, channel, ...line.command });
      return player;
    });
  }

  @Post('discord/press')
  discordPress(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.act(req, res, body, async (api) => {
      const { player, message_id, custom_id } = parseBody(discordPress, body);
      await api.post('/playground/discord/press', { player, message_id, custom_id });
      return player;
    });
  }
}

@Module({ controllers: [PlaygroundController] })
export class PlaygroundModule {}
