/**
 * The JSON API, `/api/v1`: the same data as the pages. Errors use the one body
 * `{ "error": { "code", "message", "details"? } }`; state-changing requests carry the
 * session's CSRF token in `X-CSRF-Token` (from `GET /api/v1/me`). The OpenAPI document is
 * served at `/api/v1/openapi.json`.
 */
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Module,
  Param,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  findNotificationSettings,
  findProfile,
  NOTIFIED_PLATFORMS,
  rankName,
  type Linking,
  type NotificationSettings,
  type PlayerProfile,
  type Progression,
} from '@ttfd/shared';
import { LINKING, POOL, PROGRESSION } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { localeOf } from '../core/locale';
import { parseBody, parseParams } from '../core/validation';
import { websiteSideIdentity } from '../linking/account-identity';
import { isHiddenFrom, userIdParam } from '../profile/profile.controller';

const redeemBody = z.object({ code: z.string().trim().min(1).max(64) });
const notificationsBody = z.object({ platform: z.enum(NOTIFIED_PLATFORMS), enabled: z.boolean() });

/** The player's notifications per platform, as `me` and `me/notifications` answer them. */
const NOTIFICATIONS_SCHEMA = {
  type: 'object',
  description:
    'Per platform (telegram, discord): whether its bot sends the player notifications and whether that platform is linked; refused: targets a platform refused (blocked bot, closed DMs, left server), paused until the player comes back there',
  properties: {
    telegram: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, linked: { type: 'boolean' } },
      required: ['enabled', 'linked'],
    },
    discord: {
      type: 'object',
      properties: { enabled: { type: 'boolean' }, linked: { type: 'boolean' } },
      required: ['enabled', 'linked'],
    },
    refused: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          target: { type: 'string', enum: ['telegram:message', 'discord:dm', 'discord:roles'] },
          since: { type: 'string', format: 'date-time' },
        },
        required: ['target', 'since'],
      },
    },
  },
  required: ['telegram', 'discord', 'refused'],
};

function notificationsView(settings: NotificationSettings) {
  return {
    telegram: { enabled: settings.enabled.telegram, linked: settings.linked.includes('telegram') },
    discord: { enabled: settings.enabled.discord, linked: settings.linked.includes('discord') },
    refused: settings.refused.map((r) => ({ target: r.target, since: r.since.toISOString() })),
  };
}
const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } },
      required: ['code', 'message'],
    },
  },
};

/** What anyone may see of a player. */
function publicView(profile: PlayerProfile, locale: 'ru' | 'en') {
  return {
    id: profile.userId,
    name: profile.displayName ?? profile.username,
    xp: profile.xp,
    coins: profile.coins,
    seasonXp: profile.seasonXp,
    rank: { id: profile.rank.id, name: rankName(profile.rank.id, locale), minXp: profile.rank.minXp },
    next: profile.next && {
      id: profile.next.id,
      name: rankName(profile.next.id, locale),
      minXp: profile.next.minXp,
      missing: profile.next.missing,
      percent: profile.next.percent,
    },
    stats: profile.stats,
    achievements: profile.achievements,
    platforms: profile.platforms,
  };
}

@ApiTags('players')
@Controller('api/v1')
export class ApiController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(LINKING) private readonly linking: Linking,
    @Inject(PROGRESSION) private readonly progression: Progression,
  ) {}

  @Get('me')
  @UseGuards(SignedInGuard)
  @ApiCookieAuth()
  @ApiOperation({ summary: "The signed-in player's whole profile, recent activity and the session's CSRF token" })
  @ApiResponse({
    status: 200,
    description: 'The profile',
    schema: { type: 'object', properties: { notifications: NOTIFICATIONS_SCHEMA } },
  })
  @ApiResponse({ status: 401, description: 'Not signed in', schema: ERROR_SCHEMA })
  async me(@CurrentPlayer() userId: string, @Req() req: Request) {
    const [profile, settings] = await Promise.all([
      findProfile(this.pool, userId, { recent: 20 }),
      findNotificationSettings(this.pool, userId),
    ]);
    if (!profile || !settings) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    return {
      ...publicView(profile, localeOf(req)),
      locale: profile.locale,
      notifications: notificationsView(settings),
      recentActivity: profile.recentActivity.map((e) => ({
        id: e.id,
        type: e.type,
        source: e.source,
        createdAt: e.createdAt.toISOString(),
        xpDelta: e.xpDelta,
        coinsDelta: e.coinsDelta,
      })),
      csrfToken: req.csrfToken?.() ?? '',
    };
  }

  @Post('me/notifications')
  @UseGuards(SignedInGuard)
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary: "Turns one platform's notifications on or off",
    description:
      'Recorded as a notification_settings_changed event naming the platform; the other platform keeps its own.',
  })
  @ApiBody({ schema: z.toJSONSchema(notificationsBody) as object })
  @ApiResponse({ status: 200, description: 'The notifications now', schema: NOTIFICATIONS_SCHEMA })
  @ApiResponse({ status: 400, description: 'Bad input', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 403, description: 'Missing or wrong X-CSRF-Token', schema: ERROR_SCHEMA })
  async setNotifications(@CurrentPlayer() userId: string, @Body() body: unknown) {
    const { platform, enabled } = parseBody(notificationsBody, body);
    await this.progression.setNotifications({ userId, platform, enabled, source: 'website', dedupeKey: null });
    const settings = await findNotificationSettings(this.pool, userId);
    if (!settings) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    return notificationsView(settings);
  }

  @Get('users/:id')
  @ApiOperation({ summary: "A player's public profile" })
  @ApiParam({ name: 'id', description: 'Account id', example: '42' })
  @ApiResponse({ status: 200, description: 'The public profile' })
  @ApiResponse({ status: 404, description: 'No such player', schema: ERROR_SCHEMA })
  async user(@Param() params: unknown, @Req() req: Request) {
    const { id } = parseParams(userIdParam, params);
    const profile = await findProfile(this.pool, id, { recent: 0 });
    if (!profile || (await isHiddenFrom(this.pool, id, req.user?.userId))) {
      throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    }
    return publicView(profile, localeOf(req));
  }

  @Post('link-codes')
  @UseGuards(SignedInGuard)
  @HttpCode(201)
  @ApiCookieAuth()
  @ApiOperation({ summary: 'A one-time code to enter on another platform (10 minutes)' })
  @ApiResponse({ status: 201, description: '{ code, deepLinkPayload, expiresAt }' })
  @ApiResponse({ status: 403, description: 'Missing or wrong X-CSRF-Token', schema: ERROR_SCHEMA })
  async createLinkCode(@CurrentPlayer() userId: string) {
    const identity = await websiteSideIdentity(this.pool, userId);
    if (!identity) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    const code = await this.linking.createLinkCode(identity);
    return { code: code.code, deepLinkPayload: code.deepLinkPayload, expiresAt: code.expiresAt.toISOString() };
  }

  @Post('link-codes/redeem')
  @UseGuards(SignedInGuard)
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'Enter a code from another platform',
    description:
      "Answers the identity domain's result; 'needs_confirmation' names the other account and carries the token the link pages confirm with.",
  })
  @ApiBody({ schema: z.toJSONSchema(redeemBody) as object })
  @ApiResponse({ status: 200, description: '{ status, ... }' })
  @ApiResponse({ status: 400, description: 'Bad input', schema: ERROR_SCHEMA })
  async redeemLinkCode(@CurrentPlayer() userId: string, @Body() body: unknown) {
    const { code } = parseBody(redeemBody, body);
    const identity = await websiteSideIdentity(this.pool, userId);
    if (!identity) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    const result = await this.linking.redeemLinkCode(identity, code);
    if (result.status === 'needs_confirmation') {
      return {
        status: result.status,
        other: result.other,
        keeps: result.keeps,
        confirmToken: result.confirmToken,
        expiresAt: result.expiresAt.toISOString(),
      };
    }
    if (result.status === 'too_many_attempts') {
      throw new WebsiteError(
        'too_many_attempts',
        `Too many attempts; try again in ${result.retryAfterMinutes} minutes`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    if (result.status === 'invalid_code') {
      throw new WebsiteError('bad_request', 'Invalid or expired code', HttpStatus.BAD_REQUEST);
    }
    return { status: result.status };
  }
}

@Module({ controllers: [ApiController] })
export class ApiModule {}
