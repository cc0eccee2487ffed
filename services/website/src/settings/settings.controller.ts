/** /settings: notifications, the password, Discord Linked Roles. */
import { Body, Controller, Get, Inject, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { findNotificationSettings, findPrivacy, type Privacy, type Progression } from '@ttfd/shared';
import { discordEnabled, type WebsiteConfig } from '../config';
import { CONFIG, POOL, PROGRESSION } from '../core/deps';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { parseBody } from '../core/validation';
import { html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import { pageContext, type PageContext } from '../pages/page-context';

const notificationsForm = z.object({ enabled: z.enum(['on']).optional() });

function settingsPage(ctx: PageContext, view: { notifications: boolean; discord: boolean; privacy: Privacy }): string {
  const t = ctx.t.settings;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.title}</h1>
      <section aria-labelledby="notifications-heading">
        <h2 id="notifications-heading">${t.notifications}</h2>
        <p>${t.notificationsExplain}</p>
        <form method="post" action="/settings/notifications">
          ${csrfField(ctx)}
          <p>
            <input
              type="checkbox"
              id="notifications"
              name="enabled"
              value="on"
              ${view.notifications ? html`checked` : null}
            />
            <label for="notifications" class="inline">${t.notificationsOn}</label>
          </p>
          <button type="submit">${t.save}</button>
        </form>
      </section>
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
        view.discord
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
    const privacy = (await findPrivacy(this.pool, userId)) ?? { profileHidden: false, leaderboardAnonymous: false };
    res.type('html').send(
      settingsPage(pageContext(req), {
        notifications: settings?.enabled ?? true,
        discord: discordEnabled(this.config),
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
    await this.progression.setNotifications({
      userId,
      enabled: form.enabled === 'on',
      source: 'website',
      dedupeKey: null,
    });
    req.session.notice = { kind: 'ok', key: 'settings.saved' };
    res.redirect(303, '/settings');
  }
}

@Module({ controllers: [SettingsController] })
export class SettingsModule {}
