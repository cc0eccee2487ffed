import {
  achievementName,
  describeEvent,
  PLATFORMS,
  platformName,
  RANK_CARD_HEIGHT,
  RANK_CARD_WIDTH,
  rankName,
  type DescribedEvent,
  type PlayerProfile,
  type SourcePlatform,
} from '@ttfd/shared';
import { html, type Html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';

const number = (ctx: PageContext, n: number) => n.toLocaleString(ctx.locale === 'ru' ? 'ru-RU' : 'en-GB');

export const nameOf = (ctx: PageContext, profile: PlayerProfile): string =>
  profile.displayName ?? (profile.username ? `@${profile.username}` : ctx.t.profile.unnamed);

function sourceName(ctx: PageContext, source: SourcePlatform): string {
  return source === 'system' ? ctx.t.siteName : platformName(source, ctx.locale);
}

/** Rank, XP, coins, stats and achievements: the profile page's main part (the playground shows it too). */
export function summary(ctx: PageContext, profile: PlayerProfile): Html {
  const t = ctx.t.profile;
  const rank = rankName(profile.rank.id, ctx.locale);
  const next = profile.next;
  const hours = Math.floor(profile.stats.voiceTime / 3600);
  const minutes = Math.floor((profile.stats.voiceTime % 3600) / 60);
  return html`<section aria-labelledby="rank-heading" data-live-region="summary">
      <h2 id="rank-heading">${t.rank}: <span class="rank" data-live="rank">${rank}</span></h2>
      ${
        next
          ? html`<label for="rank-progress">${t.nextRank(rankName(next.id, ctx.locale), next.missing)}</label>
              <progress id="rank-progress" max="100" value="${next.percent}">${next.percent}%</progress>`
          : html`<p>${t.topRank}</p>`
      }
      <div class="cards">
        <div class="card">
          <div class="label">${t.xp}</div>
          <div class="value" data-live="xp">${number(ctx, profile.xp)}</div>
        </div>
        <div class="card">
          <div class="label">${t.coins}</div>
          <div class="value" data-live="coins">${number(ctx, profile.coins)}</div>
        </div>
        <div class="card">
          <div class="label">${t.seasonXp}</div>
          <div class="value">${number(ctx, profile.seasonXp)}</div>
        </div>
      </div>
    </section>
    <section aria-labelledby="stats-heading">
      <h2 id="stats-heading">${t.stats}</h2>
      <dl class="cards">
        <div class="card">
          <dt>${t.gamesPlayed}</dt>
          <dd class="value">${number(ctx, profile.stats.gamesPlayed)}</dd>
        </div>
        <div class="card">
          <dt>${t.gamesWon}</dt>
          <dd class="value">${number(ctx, profile.stats.gamesWon)}</dd>
        </div>
        <div class="card">
          <dt>${t.messagesSent}</dt>
          <dd class="value">${number(ctx, profile.stats.messagesSent)}</dd>
        </div>
        <div class="card">
          <dt>${t.voiceTime}</dt>
          <dd class="value">${t.voiceHours(hours, minutes)}</dd>
        </div>
        <div class="card">
          <dt>${t.dailyStreak}</dt>
          <dd class="value">${profile.stats.dailyStreak}</dd>
        </div>
      </dl>
    </section>
    <section aria-labelledby="achievements-heading">
      <h2 id="achievements-heading">${t.achievements}</h2>
      ${
        profile.achievements.length === 0
          ? html`<p>${t.noAchievements}</p>`
          : html`<ul>
              ${profile.achievements.map((key) => html`<li>${achievementName(key, ctx.locale)}</li>`)}
            </ul>`
      }
    </section>`;
}

function activity(ctx: PageContext, profile: PlayerProfile): Html {
  const t = ctx.t.profile;
  return html`<section aria-labelledby="activity-heading" data-live-region="activity">
    <h2 id="activity-heading">${t.activity}</h2>
    ${
      profile.recentActivity.length === 0
        ? html`<p>${t.noActivity}</p>`
        : html`<ul class="plain" id="activity">
            ${profile.recentActivity.map(
              (entry) =>
                html`<li>
                  <time datetime="${entry.createdAt.toISOString()}"
                    >${entry.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</time
                  >
                  ${describeEvent(entry as DescribedEvent, ctx.locale)}
                  <span class="muted">(${t.via(sourceName(ctx, entry.source))})</span>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

function platforms(ctx: PageContext, profile: PlayerProfile): Html {
  const t = ctx.t.profile;
  const only = profile.platforms.length <= 1;
  return html`<section aria-labelledby="platforms-heading">
    <h2 id="platforms-heading">${t.platforms}</h2>
    <ul class="plain">
      ${PLATFORMS.map((platform) => {
        const name = platformName(platform, ctx.locale);
        if (!profile.platforms.includes(platform)) {
          return html`<li>${name}: ${t.notLinked} — <a href="/link">${t.link}</a></li>`;
        }
        return html`<li>
          ${name}: ${t.linked}
          ${
            only
              ? null
              : html`<form class="inline" method="post" action="/link/unlink">
                  ${csrfField(ctx)}
                  <input type="hidden" name="platform" value="${platform}" />
                  <button type="submit" class="link" aria-label="${t.unlink}: ${name}">${t.unlink}</button>
                </form>`
          }
        </li>`;
      })}
    </ul>
  </section>`;
}

/** `liveAfter`: the newest event the page shows; live.js streams what follows it (services/website/src/live). */
export function profilePage(ctx: PageContext, profile: PlayerProfile, liveAfter?: string): string {
  return layout(ctx, {
    title: ctx.t.profile.title,
    scripts: liveAfter === undefined ? [] : ['/static/live.js'],
    body: html`<h1>${ctx.t.profile.title}: ${nameOf(ctx, profile)}</h1>
      ${liveAfter === undefined ? null : html`<div hidden data-live-events="/api/v1/me/events?after=${liveAfter}"></div>`}
      ${summary(ctx, profile)} ${platforms(ctx, profile)} ${activity(ctx, profile)}`,
  });
}

/**
 * A player's public page. Its share tags (Open Graph, Twitter) carry absolute URLs and the
 * rank card as the image, under the shared name (an anonymised player's is not theirs).
 */
export function playerPage(
  ctx: PageContext,
  profile: PlayerProfile,
  share: { name: string; pageUrl: string; imageUrl: string },
): string {
  const name = nameOf(ctx, profile);
  const description = `${rankName(profile.rank.id, ctx.locale)} · ${number(ctx, profile.xp)} XP`;
  const title = ctx.t.profile.publicTitle(share.name);
  return layout(ctx, {
    title: ctx.t.profile.publicTitle(name),
    head: html`<meta property="og:type" content="profile" />
      <meta property="og:url" content="${share.pageUrl}" />
      <meta property="og:title" content="${title}" />
      <meta property="og:description" content="${description}" />
      <meta property="og:image" content="${share.imageUrl}" />
      <meta property="og:image:type" content="image/png" />
      <meta property="og:image:width" content="${RANK_CARD_WIDTH}" />
      <meta property="og:image:height" content="${RANK_CARD_HEIGHT}" />
      <meta property="og:image:alt" content="${title}: ${description}" />
      <meta name="twitter:card" content="summary_large_image" />
      <meta name="twitter:title" content="${title}" />
      <meta name="twitter:description" content="${description}" />
      <meta name="twitter:image" content="${share.imageUrl}" />`,
    body: html`<h1>${name}</h1>
      ${summary(ctx, profile)}`,
  });
}
