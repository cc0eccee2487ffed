import { html, type Html } from '../pages/html';
import { csrfField, layout } from '../pages/layout';
import type { PageContext } from '../pages/page-context';
import { MIN_PASSWORD_LENGTH } from './password-policy';

const errorLine = (error: string | null): Html | null =>
  error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : null;

export function loginPage(
  ctx: PageContext,
  form: { email: string; next: string; error: string | null; discord: boolean },
): string {
  const { accounts: t } = ctx.t;
  const described = form.error ? 'form-error' : null;
  return layout(ctx, {
    title: t.loginTitle,
    body: html`<h1>${t.loginTitle}</h1>
      ${errorLine(form.error)}
      <form class="stack" method="post" action="/login">
        ${csrfField(ctx)}<input type="hidden" name="next" value="${form.next}" />
        <div>
          <label for="email">${t.email}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value="${form.email}"
            aria-describedby="${described}"
          />
        </div>
        <div>
          <label for="password">${t.password}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit">${t.loginButton}</button>
      </form>
      ${form.discord ? html`<p><a class="button secondary" href="/auth/discord">${t.orDiscord}</a></p>` : null}
      <p><a href="/signup">${t.noAccount}</a></p>`,
  });
}

export function signupPage(
  ctx: PageContext,
  form: { email: string; displayName: string; error: string | null; discord: boolean },
): string {
  const { accounts: t } = ctx.t;
  return layout(ctx, {
    title: t.signupTitle,
    body: html`<h1>${t.signupTitle}</h1>
      ${errorLine(form.error)}
      <form class="stack" method="post" action="/signup">
        ${csrfField(ctx)}
        <div>
          <label for="email">${t.email}</label>
          <input id="email" name="email" type="email" autocomplete="email" required value="${form.email}" />
        </div>
        <div>
          <label for="password">${t.password}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            minlength="${MIN_PASSWORD_LENGTH}"
            aria-describedby="password-hint"
          />
          <p class="hint" id="password-hint">${t.passwordHint(MIN_PASSWORD_LENGTH)}</p>
        </div>
        <div>
          <label for="display_name">${t.displayName}</label>
          <input
            id="display_name"
            name="display_name"
            type="text"
            maxlength="64"
            autocomplete="nickname"
            value="${form.displayName}"
          />
        </div>
        <button type="submit">${t.signupButton}</button>
      </form>
      ${form.discord ? html`<p><a class="button secondary" href="/auth/discord">${t.orDiscord}</a></p>` : null}
      <p><a href="/login">${t.haveAccount}</a></p>`,
  });
}

export function passwordPage(ctx: PageContext, form: { error: string | null }): string {
  const { accounts: t } = ctx.t;
  return layout(ctx, {
    title: t.changePasswordTitle,
    body: html`<h1>${t.changePasswordTitle}</h1>
      ${errorLine(form.error)}
      <form class="stack" method="post" action="/settings/password">
        ${csrfField(ctx)}
        <div>
          <label for="current_password">${t.currentPassword}</label>
          <input
            id="current_password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <div>
          <label for="new_password">${t.newPassword}</label>
          <input
            id="new_password"
            name="new_password"
            type="password"
            autocomplete="new-password"
            required
            minlength="${MIN_PASSWORD_LENGTH}"
            aria-describedby="new-password-hint"
          />
          <p class="hint" id="new-password-hint">${t.passwordHint(MIN_PASSWORD_LENGTH)}</p>
        </div>
        <button type="submit">${t.changePasswordButton}</button>
      </form>`,
  });
}
