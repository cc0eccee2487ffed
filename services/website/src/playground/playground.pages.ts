/**
 * The playground page: the chosen test player's Telegram chat and Discord channel side by
 * side, their profile beside them. Every chat entry is rendered here only, keyed, so the
 * page's script can append new ones or replace an edited one (`/static/playground.js`).
 */
import { platformName, type PlayerProfile } from '@ttfd/shared';
import { Html, html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';
import { nameOf, summary } from '../profile/profile.pages';
import { playgroundTextsFor } from '../texts/playground';
import type { Entry, PlaygroundState } from './playground-api';

/** One rendered chat line; a later one with the same key replaces it (an edit). */
export interface PaneItem {
  key: string;
  html: string;
}
export interface Panes {
  telegram: PaneItem[];
  discord: PaneItem[];
}

const lines = (text: string): Html[] =>
  text.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br />${line}`));

function pressForm(
  ctx: PageContext,
  player: string,
  action: string,
  fields: Record<string, string>,
  label: string,
  disabled = false,
): Html {
  return html`<form class="inline" method="post" action="${action}" data-playground-form>
    ${csrfField(ctx)}<input type="hidden" name="player" value="${player}" />${Object.entries(fields).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}<button type="submit" ${disabled ? html`disabled` : null}>${label}</button>
  </form>`;
}

function telegramItem(ctx: PageContext, player: string, e: Entry): PaneItem | null {
  const t = playgroundTextsFor(ctx.locale);
  if (e.kind === 'telegram_update' && e.player === player) {
    const body = e.text !== undefined ? lines(e.text) : html`<em>${t.pressed(e.pressed ?? '')}</em>`;
    return {
      key: `e${e.seq}`,
      html: html`<li class="msg me" id="e${e.seq}"><span class="who">${t.you}</span> ${body}</li>`.text,
    };
  }
  if ((e.kind === 'telegram_message' || e.kind === 'telegram_edit') && e.player === player) {
    const key = `tg${e.message_id}`;
    const body = e.dice ? html`${e.dice.emoji} ${t.dice(e.dice.value)}` : lines(e.text ?? '');
    const buttons = e.buttons?.flat() ?? [];
    return {
      key,
      html: html`<li class="msg bot" id="${key}">
        <span class="who">${t.bot}</span> ${body}
        ${e.kind === 'telegram_edit' ? html`<span class="muted">${t.edited}</span>` : null}
        ${
          buttons.length
            ? html`<div class="buttons" role="group" aria-label="${t.buttons}">
                ${buttons.map((b) =>
                  pressForm(
                    ctx,
                    player,
                    '/playground/telegram/press',
                    { message_id: String(e.message_id), data: b.data },
                    b.text,
                  ),
                )}
              </div>`
            : null
        }
      </li>`.text,
    };
  }
  return null;
}

function discordItem(ctx: PageContext, player: string, e: Entry): PaneItem | null {
  const t = playgroundTextsFor(ctx.locale);
  const line = (body: Html, cls = 'msg') => ({
    key: `e${e.seq}`,
    html: html`<li class="${cls}" id="e${e.seq}">${body}</li>`.text,
  });
  switch (e.kind) {
    case 'discord_message':
      return line(
        html`<span class="channel">#${e.channel}</span> <span class="who">${e.player}</span> ${lines(e.content)}`,
        e.player === player ? 'msg me' : 'msg',
      );
    case 'discord_bot_message':
      return line(
        html`<span class="channel">#${e.channel}</span> <span class="who">${t.bot}</span> ${lines(e.content)}`,
        'msg bot',
      );
    case 'discord_dm':
      return e.player === player
        ? line(html`<span class="who">${t.directMessage}</span> ${lines(e.content)}`, 'msg bot dm')
        : null;
    case 'discord_role':
      return e.player === player
        ? line(
            html`<strong
              >${e.change === 'added' ? t.roleAdded(e.role ?? e.role_id) : t.roleRemoved(e.role ?? e.role_id)}</strong
            >`,
            'msg event',
          )
        : null;
    case 'discord_command':
      return e.player === player
        ? line(
            html`<span class="channel">#${e.channel}</span> <span class="who">${t.you}</span>
              <code>${e.command}</code>`,
            'msg me',
          )
        : null;
    case 'discord_press':
      return e.player === player
        ? line(html`<span class="who">${t.you}</span> <em>${t.pressed(e.label)}</em>`, 'msg me')
        : null;
    case 'discord_reply': {
      if (e.ephemeral && e.player !== player) return null;
      const key = `dc${e.message_id}`;
      return {
        key,
        html: html`<li class="msg bot" id="${key}">
          <span class="channel">#${e.channel}</span> <span class="who">${t.bot}</span> ${lines(e.content)}
          ${e.embeds.map((embed) => html`<div class="embed">${embed.title ? html`<strong>${embed.title}</strong><br />` : null}${lines(embed.description ?? '')}</div>`)}
          ${
            e.buttons.length
              ? html`<div class="buttons" role="group" aria-label="${t.buttons}">
                  ${e.buttons.map((b) => pressForm(ctx, player, '/playground/discord/press', { message_id: e.message_id, custom_id: b.custom_id }, b.label, b.disabled || e.player !== player))}
                </div>`
              : null
          }
          ${e.ephemeral ? html`<span class="muted">${t.onlyYou}</span>` : null}
          ${e.edited ? html`<span class="muted">${t.edited}</span>` : null}
        </li>`.text,
      };
    }
    default:
      return null;
  }
}

/** The panes' items for `player` from these entries, in order; an edit replaces its message where it stood. */
export function panesOf(ctx: PageContext, player: string, entries: Entry[]): Panes {
  const merge = (items: (PaneItem | null)[]) => {
    const byKey = new Map<string, PaneItem>();
    for (const item of items) if (item) byKey.set(item.key, item);
    return [...byKey.values()];
  };
  return {
    telegram: merge(entries.map((e) => telegramItem(ctx, player, e))),
    discord: merge(entries.map((e) => discordItem(ctx, player, e))),
  };
}

export interface PlayerAccounts {
  /** The account shown in full: the one the Telegram identity has, else the Discord one. */
  main: PlayerProfile | null;
  /** The other platform's separate account, until the two are linked. */
  other: PlayerProfile | null;
  roles: string[];
}

/** The profile beside the chats (also served alone, for the script to refresh). */
export function profileFragment(ctx: PageContext, accounts: PlayerAccounts): string {
  const t = playgroundTextsFor(ctx.locale);
  const platforms = (p: PlayerProfile) => p.platforms.map((x) => platformName(x, ctx.locale)).join(', ');
  const { main, other } = accounts;
  return html`<h2 id="profile-heading">${t.profile}${main ? html`: ${nameOf(ctx, main)}` : null}</h2>
    ${
      main
        ? html`<p class="muted" data-live="platforms">${platforms(main)}</p>
            ${summary(ctx, main)}`
        : html`<p>${t.noAccount}</p>`
    }
    ${other ? html`<p class="notice">${t.otherAccount(platforms(other), other.xp)}</p>` : null}
    <p data-live="roles">${accounts.roles.length ? t.roles(accounts.roles.join(', ')) : t.noRoles}</p>`.text;
}

export interface PlaygroundView {
  state: PlaygroundState;
  player: string;
  panes: Panes;
  cursor: number;
  profile: string;
  /** What went wrong with the last action, shown above the panes. */
  error?: string;
}

export function playgroundPage(ctx: PageContext, view: PlaygroundView): string {
  const t = playgroundTextsFor(ctx.locale);
  const { state, player } = view;
  const channels = (state.guild?.channels ?? []).filter((c) => c.type === 0);
  const here = `/playground?player=${encodeURIComponent(player)}`;
  return layout(ctx, {
    title: t.title,
    head: html`<link rel="stylesheet" href="/static/playground.css" />`,
    scripts: ['/static/playground.js'],
    body: html`<h1>${t.title}</h1>
      <p>${t.lead}</p>
      ${view.error ? html`<p class="notice notice-error" role="alert">${view.error}</p>` : null}
      <form class="playground-player" method="get" action="/playground">
        <label for="player">${t.player}</label>
        <select id="player" name="player">
          ${state.players.map((p) => html`<option value="${p.name}" ${p.name === player ? html`selected` : null}>${p.name}</option>`)}
        </select>
        <button type="submit">${t.show}</button>
        <a href="${here}">${t.refresh}</a>
      </form>
      <div class="playground" data-playground data-player="${player}" data-cursor="${view.cursor}">
        <section class="pane" aria-labelledby="telegram-heading">
          <h2 id="telegram-heading">${t.telegram}</h2>
          <ol class="chat" id="telegram-chat" aria-label="${t.telegramChat}" aria-live="polite">
            ${view.panes.telegram.map((item) => new Html(item.html))}
          </ol>
          <form method="post" action="/playground/telegram/send" data-playground-form>
            ${csrfField(ctx)}<input type="hidden" name="player" value="${player}" />
            <label for="telegram-text">${t.telegramInput}</label>
            <input
              id="telegram-text"
              name="text"
              required
              maxlength="4096"
              autocomplete="off"
              placeholder="/dice"
              ${state.telegram ? null : html`disabled`}
            />
            <button type="submit">${t.send}</button>
          </form>
        </section>
        <section class="pane" aria-labelledby="discord-heading">
          <h2 id="discord-heading">${t.discord(state.guild?.name ?? 'Discord')}</h2>
          <ol class="chat" id="discord-chat" aria-label="${t.discordChat}" aria-live="polite">
            ${view.panes.discord.map((item) => new Html(item.html))}
          </ol>
          <form method="post" action="/playground/discord/send" data-playground-form>
            ${csrfField(ctx)}<input type="hidden" name="player" value="${player}" />
            <label for="discord-channel">${t.channel}</label>
            <select id="discord-channel" name="channel">
              ${channels.map((c) => html`<option value="${c.name}">#${c.name}</option>`)}
            </select>
            <label for="discord-text">${t.discordInput}</label>
            <input
              id="discord-text"
              name="content"
              required
              maxlength="4096"
              autocomplete="off"
              aria-describedby="discord-hint"
              ${state.discord ? null : html`disabled`}
            />
            <p class="muted" id="discord-hint">${t.discordHint}</p>
            <button type="submit">${t.send}</button>
          </form>
        </section>
        <aside class="pane" aria-labelledby="profile-heading" id="playground-profile" aria-live="polite">
          ${new Html(view.profile)}
        </aside>
      </div>`,
  });
}

/** The page when the stand-ins cannot be asked what runs: the reason, and a way to try again. */
export function playgroundDownPage(ctx: PageContext, message: string): string {
  const t = playgroundTextsFor(ctx.locale);
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.title}</h1>
      <p class="notice notice-error" role="alert">${message}</p>
      <p><a href="/playground">${t.refresh}</a></p>`,
  });
}
