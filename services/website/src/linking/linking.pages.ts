import { LINK_CODE_TTL_MS, platformName, type LinkCode, type Platform } from '@ttfd/shared';
import type { SessionData } from 'express-session';
import { html, type Html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';

export interface LinkPageView {
  code: LinkCode | null;
  telegram: { botUsername: string; authUrl: string } | null;
  discord: { linkedRoles: boolean } | null;
  botUsername: string | null;
}

function codeSection(ctx: PageContext, view: LinkPageView): Html {
  const t = ctx.t.linking;
  const minutes = Math.round(LINK_CODE_TTL_MS / 60_000);
  const shown = view.code
    ? html`<p>
          ${t.yourCode}: <strong class="code" id="link-code">${view.code.code}</strong>
          <button type="button" class="secondary" data-copy="link-code" hidden>⧉</button>
        </p>
        <p class="hint">${t.codeExpires(view.code.expiresAt.toISOString().slice(0, 16).replace('T', ' '))}</p>
        ${
          view.botUsername
            ? html`<p>
                <a href="https://t.me/${view.botUsername}?start=${view.code.deepLinkPayload}">${t.telegramDeepLink}</a>
              </p>`
            : null
        }`
    : null;
  return html`<section aria-labelledby="code-heading">
    <h2 id="code-heading">${t.codeTitle}</h2>
    <p>${t.codeExplain(minutes)}</p>
    ${shown}
    <form method="post" action="/link/codes">${csrfField(ctx)}<button type="submit">${t.createCode}</button></form>
  </section>`;
}

function redeemSection(ctx: PageContext): Html {
  const t = ctx.t.linking;
  return html`<section aria-labelledby="redeem-heading">
    <h2 id="redeem-heading">${t.redeemTitle}</h2>
    <p>${t.redeemExplain}</p>
    <form class="stack" method="post" action="/link/redeem">
      ${csrfField(ctx)}
      <div>
        <label for="code">${t.code}</label>
        <input
          id="code"
          name="code"
          type="text"
          required
          maxlength="64"
          autocomplete="off"
          autocapitalize="characters"
        />
      </div>
      <button type="submit">${t.redeem}</button>
    </form>
  </section>`;
}

function telegramSection(ctx: PageContext, view: LinkPageView): Html {
  const t = ctx.t.linking;
  const widget = view.telegram
    ? html`<p>${t.telegramExplain}</p>
        <script
          async
          src="https://telegram.org/js/telegram-widget.js?22"
          data-telegram-login="${view.telegram.botUsername}"
          data-size="large"
          data-auth-url="${view.telegram.authUrl}"
          data-request-access="write"
        ></script>`
    : html`<p>${t.telegramOff}</p>`;
  return html`<section aria-labelledby="telegram-heading">
    <h2 id="telegram-heading">${t.telegramTitle}</h2>
    ${widget}
  </section>`;
}

function discordSection(ctx: PageContext, view: LinkPageView): Html | null {
  if (!view.discord) return null;
  const t = ctx.t.linking;
  return html`<section aria-labelledby="discord-heading">
    <h2 id="discord-heading">${t.discordTitle}</h2>
    <p><a class="button" href="/auth/discord?purpose=link">${t.discordLink}</a></p>
    ${view.discord.linkedRoles ? html`<p><a href="/auth/discord?purpose=link&amp;linked_roles=1">${t.discordLinkedRoles}</a></p>` : null}
  </section>`;
}

export function linkPage(ctx: PageContext, view: LinkPageView): string {
  const t = ctx.t.linking;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.title}</h1>
      <p class="lead">${t.lead}</p>
      ${codeSection(ctx, view)} ${redeemSection(ctx)} ${telegramSection(ctx, view)} ${discordSection(ctx, view)}`,
  });
}

export function confirmPage(ctx: PageContext, pending: NonNullable<SessionData['pendingConfirmation']>): string {
  const t = ctx.t.linking;
  const identities = pending.other.identities.map(
    (i) => html`<li>${platformName(i.platform as Platform, ctx.locale)}: <strong>${i.shown}</strong></li>`,
  );
  const names = pending.other.names.map((n) => html`<li>${n}</li>`);
  return layout(ctx, {
    title: t.confirmTitle,
    body: html`<h1>${t.confirmTitle}</h1>
      <p>${pending.after ? t.confirmMerge : t.confirmAttach}</p>
      <section aria-labelledby="other-heading" class="card">
        <h2 id="other-heading">${t.otherAccount}</h2>
        <ul>
          ${identities}${names}
        </ul>
      </section>
      <p>${pending.keeps === 'yours' ? t.keepsYours : t.keepsTheirs}</p>
      ${pending.after ? html`<p>${t.mergedTotals(pending.after.xp, pending.after.coins)}</p>` : null}
      <form method="post" action="/link/confirm" class="inline">
        ${csrfField(ctx)}<input type="hidden" name="confirm_token" value="${pending.confirmToken}" />
        <button type="submit" name="action" value="confirm">${t.confirm}</button>
        <button type="submit" name="action" value="cancel" class="secondary">${t.cancel}</button>
      </form>`,
  });
}

export function telegramConfirmPage(ctx: PageContext, payload: Record<string, string>): string {
  const t = ctx.t.linking;
  const name = payload.username ? `@${payload.username}` : (payload.first_name ?? payload.id ?? '');
  return layout(ctx, {
    title: t.telegramTitle,
    body: html`<h1>${t.telegramTitle}</h1>
      <p>${t.telegramConfirm(name)}</p>
      <form method="post" action="/link/telegram">
        ${csrfField(ctx)}
        ${Object.entries(payload).map(([k, v]) => html`<input type="hidden" name="tg_${k}" value="${v}" />`)}
        <button type="submit">${t.telegramLinkButton}</button>
        <a href="/link">${t.cancel}</a>
      </form>`,
  });
}
