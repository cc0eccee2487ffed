/** /settings: notifications, the password, Discord Linked Roles. */
import { Body, Controller, Get, HttpStatus, Inject, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import {
  findNotificationSettings,
  findPrivacy,
  notificationChannelName,
  NOTIFIED_PLATFORMS,
  refusalText,
  type NotificationSettings,
  type NotifiedPlatform,
  type Privacy,
  type Progression,
} from '@ttfd/shared';
import { linkedRolesEnabled, type WebsiteConfig } from '../config';
import { CONFIG, POOL, PROGRESSION } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { WebsiteError } from '../core/errors';
import { parseBody } from '../core/validation';
import { html, type Html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import { pageContext, type PageContext } from '../pages/page-context';

/**
 * A checkbox per linked platform, named after it; an unchecked box is not sent, so absent
 * means off for the platforms the page offered (`offered`, comma-separated).
 */
const notificationsForm = z.object({
  offered: z
    .string()
    .max(40)
    .transform((list) => list.split(',').filter((p) => p !== ''))
    .pipe(z.array(z.enum(NOTIFIED_PLATFORMS))),
  telegram: z.enum(['on']).optional(),
  discord: z.enum(['on']).optional(),
});

/**
 * One checkbox per linked platform, and under it what that platform refused (blocked bot,
 * closed DMs, left server) with how it comes back, in the words the bots use.
 */
function notificationsSection(ctx: PageContext, settings: NotificationSettings): Html {
  const t = ctx.t.settings;
  const platform = (p: NotifiedPlatform) => {
    const id = `notifications-${p}`;
    const refused = settings.refused.filter((r) => r.target.startsWith(`${p}:`));
    return html`<p>
        <input
          type="checkbox"
          id="${id}"
          name="${p}"
          value="on"
          ${settings.enabled[p] ? html`checked` : null}
          ${refused.length > 0 ? html`aria-describedby="${id}-refused"` : null}
        />
        <label for="${id}" class="inline">${notificationChannelName(p, ctx.locale)}</label>
      </p>
      ${
        refused.length > 0
          ? html`<div class="hint" id="${id}-refused">
              ${refused.map((r) => html`<p data-refused="${r.target}">⚠️ ${refusalText(r.target, ctx.locale)}</p>`)}
            </div>`
          : null
      }`;
  };
  return html`<section aria-labelledby="notifications-heading">
    <h2 id="notifications-heading">${t.notifications}</h2>
    <p>${t.notificationsExplain}</p>
    ${
      settings.linked.length === 0
        ? html`<p>${t.notificationsNone} <a href="/link">${ctx.t.nav.link}</a></p>`
        : html`<form method="post" action="/settings/notifications">
            ${csrfField(ctx)}
            <input type="hidden" name="offered" value="${settings.linked.join(',')}" />
            ${settings.linked.map(platform)}
            <button type="submit">${t.save}</button>
          </form>`
    }
  </section>`;
}

function settingsPage(
  ctx: PageContext,
  view: { notifications: NotificationSettings; linkedRoles: boolean; privacy: Privacy },
): string {
  const t = ctx.t.settings;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.title}</h1>
      ${notificationsSection(ctx, view.notifications)}
      <section aria-labelledby="password-heading">
        <h2 id="password-heading">${t.password}</h2>
        <p><a href="/settings/password">${t.changePassword}</a></p>
      </section>
      <section aria-labelledby="privacy-heading">
        <h2 id="privacy-heading">${t.privacy}</h2>
        <form method="post" action="/settings/privacy">
          ${csrfField(ctx)}
          <p>
            <input
              type="checkbox"
              id="profile_hidden"
              name="profile_hidden"
              value="on"
              ${view.privacy.profileHidden ? html`checked` : null}
            />
            <label for="profile_hidden" class="inline">${t.hidePage}</label>
          </p>
          <p>
            <input
              type="checkbox"
              id="leaderboard_anonymous"
              name="leaderboard_anonymous"
              value="on"
              ${view.privacy.leaderboardAnonymous ? html`checked` : null}
            />
            <label for="leaderboard_anonymous" class="inline">${t.anonymous}</label>
          </p>
          <button type="submit">${t.save}</button>
        </form>
        <h3>${t.yourData}</h3>
        <p>${t.yourDataExplain}</p>
        <form class="stack" method="post" action="/settings/data">
          ${csrfField(ctx)}
          <div>
            <label for="data-password">${t.passwordAgain}</label>
            <input
              id="data-password"
              name="password"
              type="password"
              autocomplete="current-password"
              aria-describedby="reauth-hint"
            />
            <p class="hint" id="reauth-hint">${t.passwordAgainHint}</p>
          </div>
          <button type="submit" class="secondary">${t.download}</button>
        </form>
        <h3>${t.deleteTitle}</h3>
        <p>${t.deleteExplain}</p>
        <form class="stack" method="post" action="/settings/delete">
          ${csrfField(ctx)}
          <div>
            <label for="delete-password">${t.passwordAgain}</label>
            <input id="delete-password" name="password" type="password" autocomplete="current-password" />
          </div>
          <div>
            <label for="delete-confirm">${t.deleteConfirm}</label>
            <input id="delete-confirm" name="confirm" type="text" required pattern="DELETE" autocomplete="off" />
          </div>
          <button type="submit" class="danger">${t.deleteButton}</button>
        </form>
      </section>
      ${
        view.linkedRoles
          ? html`<section aria-labelledby="roles-heading">
              <h2 id="roles-heading">${t.linkedRoles}</h2>
              <p>${t.linkedRolesExplain}</p>
              <p>
                <a class="button secondary" href="/auth/discord?purpose=link&amp;linked_roles=1"
                  >${t.linkedRolesConnect}</a
                >
              </p>
            </section>`
          : null
      }`,
  });
}

@Controller('settings')
@UseGuards(SignedInGuard)
export class SettingsController {
  constructor(
    @Inject(POOL) private readonly pool: Pool,
    @Inject(PROGRESSION) private readonly progression: Progression,
    @Inject(CONFIG) private readonly config: WebsiteConfig,
  ) {}

  @Get()
  async page(@CurrentPlayer() userId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const settings = await findNotificationSettings(this.pool, userId);
    if (!settings) throw new WebsiteError('not_found', 'No such player', HttpStatus.NOT_FOUND);
    const privacy = (await findPrivacy(this.pool, userId)) ?? { profileHidden: false, leaderboardAnonymous: false };
    res.type('html').send(
      settingsPage(pageContext(req), {
        notifications: settings,
        linkedRoles: linkedRolesEnabled(this.config),
        privacy,
      }),
    );
  }

  @Post('notifications')
  async notifications(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = parseBody(notificationsForm, body);
    // Only the platforms the page offered and still linked: one linked meanwhile keeps its setting.
    const linked = (await findNotificationSettings(this.pool, userId))?.linked ?? [];
    for (const platform of linked.filter((p) => form.offered.includes(p))) {
      await this.progression.setNotifications({
        userId,
        platform,
        enabled: form[platform] === 'on',
        source: 'website',
        dedupeKey: null,
      });
    }
    req.session.notice = { kind: 'ok', key: 'settings.saved' };
    res.redirect(303, '/settings');
  }
}

@Module({ controllers: [SettingsController] })
export class SettingsModule {}
