import { html } from './html';
import { layout } from './layout';
import type { PageContext } from './page-context';

export function renderErrorPage(ctx: PageContext, status: number, code: keyof PageContext['t']['errors']): string {
  return layout(ctx, {
    title: ctx.t.errorTitle,
    body: html`<h1>${ctx.t.errorTitle}</h1>
      <p role="alert">${ctx.t.errors[code]}</p>
      <p class="muted">HTTP ${status}</p>
      <p><a href="/">${ctx.t.backHome}</a></p>`,
  });
}
