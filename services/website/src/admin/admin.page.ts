import type { DeadEventRow } from '@ttfd/shared';
import { csrfField } from '../pages/layout';
import { html } from '../pages/html';
import { layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';
import { drawLagChart } from './lag-chart';
import { LAG_WINDOW_MINUTES, type EventsOverview } from './admin.handler';
import { adminTexts } from './admin.texts';
import { Html } from '../pages/html';

/** The admin's view of the pipeline: backlog figures, the lag chart, dead letters with a replay button each. */
export function renderAdminPage(
  ctx: PageContext,
  overview: EventsOverview,
  dead: DeadEventRow[],
  now: Date,
  outcome: 'replayed' | 'not-dead' | null,
): string {
  const t = adminTexts(ctx.locale);
  const { stats, lag } = overview;
  const when = (d: Date) => d.toLocaleString(ctx.locale, { dateStyle: 'short', timeStyle: 'medium', timeZone: 'UTC' });
  const chart = new Html(
    drawLagChart(lag, now, LAG_WINDOW_MINUTES, { title: t.lagTitle, minutesAgo: t.minutesAgo, noEvents: t.noEvents }),
  );
  const rows = dead.map(
    (e) =>
      html`<tr id="dead-${e.id}">
        <td><code>${e.id}</code><br />${e.eventType} · ${e.sourcePlatform}</td>
        <td>${e.userId ?? '—'}</td>
        <td>${e.attempts}</td>
        <td>${when(e.deadAt)} UTC</td>
        <td class="error">${e.lastError ?? '—'}</td>
        <td>
          <form method="post" action="/admin/events/${e.id}/replay">
            ${csrfField(ctx)}<button type="submit" aria-label="${t.replay} ${e.id}">${t.replay}</button>
          </form>
        </td>
      </tr>`,
  );
  const body = html`<h1>${t.title}</h1>
    ${
      outcome === null
        ? null
        : html`<p class="notice notice-${outcome === 'replayed' ? 'ok' : 'error'}" role="status">
            ${outcome === 'replayed' ? t.replayed : t.notDead}
          </p>`
    }
    <dl class="event-stats">
      <dt>${t.pending}</dt>
      <dd id="events-pending">
        ${stats.pending.toLocaleString(ctx.locale)} (${t.waitingRetry}:
        ${stats.waitingRetry.toLocaleString(ctx.locale)})
      </dd>
      <dt>${t.oldestPending}</dt>
      <dd id="events-oldest-pending">${t.seconds(stats.oldestPendingAgeSeconds)}</dd>
      <dt>${t.dead}</dt>
      <dd id="events-dead">${stats.dead.toLocaleString(ctx.locale)}</dd>
    </dl>
    <section aria-labelledby="lag-heading">
      <h2 id="lag-heading">${t.lagTitle}</h2>
      <figure>${chart}</figure>
    </section>
    <section aria-labelledby="dead-heading">
      <h2 id="dead-heading">${t.deadTitle}</h2>
      ${
        rows.length === 0
          ? html`<p id="no-dead">${t.noDead}</p>`
          : html`<table class="board dead">
              <thead>
                <tr>
                  <th scope="col">${t.event}</th>
                  <th scope="col">${t.player}</th>
                  <th scope="col">${t.attempts}</th>
                  <th scope="col">${t.deadAt}</th>
                  <th scope="col">${t.error}</th>
                  <th scope="col"><span class="visually-hidden">${t.replay}</span></th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
      }
    </section>`;
  return layout(ctx, { title: t.title, body });
}
