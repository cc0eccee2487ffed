/** Sign up, log in, log out and change the password: the pages and their forms. */
import { Body, Controller, Get, Inject, Module, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Progression } from '@ttfd/shared';
import { discordEnabled, type WebsiteConfig } from '../config';
import { CONFIG, METRICS, NOW, POOL, PROGRESSION } from '../core/deps';
import type { WebsiteMetrics } from '../core/http-metrics';
import { localeOf } from '../core/locale';
import { CurrentPlayer, SignedInGuard } from '../core/current-player';
import { safeRedirectPath } from '../core/redirects';
import { endSession, startSignedInSession } from '../core/session';
import { parseBody, parseQuery } from '../core/validation';
import { pageContext, type PageContext } from '../pages/page-context';
import { changePassword, logIn, signUp, type AccountsDeps } from './accounts';
import { loginPage, passwordPage, signupPage } from './accounts.pages';
import { createLoginThrottle } from './login-throttle';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type PasswordProblem } from './password-policy';

const email = z.string().trim().max(254).pipe(z.email());
/** Long enough to say "too long" ourselves, short enough that nobody hashes a megabyte. */
const password = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH * 4);

const loginForm = z.object({ email: z.string().trim().max(254), password, next: z.string().max(2000).optional() });
const signupForm = z.object({
  email: z.string().trim().max(254),
  password,
  display_name: z.string().trim().max(64).optional(),
});
const passwordForm = z.object({ current_password: password, new_password: password });

function problemText(ctx: PageContext, problem: PasswordProblem): string {
  const t = ctx.t.accounts;
  switch (problem) {
    case 'too_short':
      return t.passwordTooShort(MIN_PASSWORD_LENGTH);
    case 'too_long':
      return t.passwordTooLong(MAX_PASSWORD_LENGTH);
    case 'common':
      return t.passwordCommon;
    case 'same_as_email':
      return t.passwordSameAsEmail;
  }
}

@Controller()
export class AccountsController {
  private readonly deps: AccountsDeps;

  constructor(
    @Inject(POOL) pool: Pool,
    @Inject(PROGRESSION) progression: Progression,
    @Inject(NOW) private readonly now: () => Date,
    @Inject(CONFIG) private readonly config: WebsiteConfig,
    @Inject(METRICS) private readonly metrics: WebsiteMetrics,
  ) {
    this.deps = { pool, progression, throttle: createLoginThrottle(pool), now };
  }

  @Get('login')
  loginForm(@Query() query: unknown, @Req() req: Request, @Res() res: Response): void {
    const { next } = parseQuery(z.object({ next: z.string().max(2000).optional() }), query);
    if (req.user) return res.redirect(303, safeRedirectPath(next, '/profile'));
    res
      .type('html')
      .send(
        loginPage(pageContext(req), { email: '', next: next ?? '', error: null, discord: discordEnabled(this.config) }),
      );
  }

  @Post('login')
  async logIn(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = parseBody(loginForm, body);
    const result = await logIn(this.deps, { email: form.email, password: form.password, address: req.ip ?? '' });
    const again = (status: number, error: string): void =>
      void res
        .status(status)
        .type('html')
        .send(
          loginPage(pageContext(req), {
            email: form.email,
            next: form.next ?? '',
            error,
            discord: discordEnabled(this.config),
          }),
        );
    if (result.status === 'too_many_attempts') {
      this.metrics.logins.inc({ method: 'password', outcome: 'throttled' });
      res.set('retry-after', String(result.retryAfterMinutes * 60));
      return again(429, pageContext(req).t.accounts.tooManyAttempts(result.retryAfterMinutes));
    }
    if (result.status === 'wrong_credentials') {
      this.metrics.logins.inc({ method: 'password', outcome: 'wrong_credentials' });
      return again(401, pageContext(req).t.accounts.wrongCredentials);
    }
    this.metrics.logins.inc({ method: 'password', outcome: result.rehashed ? 'rehashed' : 'success' });
    await startSignedInSession(req, result.userId, this.now());
    res.redirect(303, safeRedirectPath(form.next, '/profile'));
  }

  @Get('signup')
  signupForm(@Req() req: Request, @Res() res: Response): void {
    if (req.user) return res.redirect(303, '/profile');
    res
      .type('html')
      .send(
        signupPage(pageContext(req), { email: '', displayName: '', error: null, discord: discordEnabled(this.config) }),
      );
  }

  @Post('signup')
  async signUp(@Body() body: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const form = parseBody(signupForm, body);
    const again = (status: number, error: string): void =>
      void res
        .status(status)
        .type('html')
        .send(
          signupPage(pageContext(req), {
            email: form.email,
            displayName: form.display_name ?? '',
            error,
            discord: discordEnabled(this.config),
          }),
        );
    const t = pageContext(req).t.accounts;
    const parsedEmail = email.safeParse(form.email);
    if (!parsedEmail.success) return again(400, t.emailInvalid);
    const result = await signUp(this.deps, {
      email: parsedEmail.data,
      password: form.password,
      displayName: form.display_name || null,
      locale: localeOf(req),
    });
    if (result.status === 'weak_password') return again(400, problemText(pageContext(req), result.problem));
    if (result.status === 'email_taken') return again(409, t.emailTaken);
    await startSignedInSession(req, result.userId, this.now());
    res.redirect(303, '/profile');
  }

  @Post('logout')
  async logOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    await endSession(req);
    res.clearCookie('ttfd.sid');
    res.redirect(303, '/');
  }

  @Get('settings/password')
  @UseGuards(SignedInGuard)
  passwordForm(@Req() req: Request, @Res() res: Response): void {
    res.type('html').send(passwordPage(pageContext(req), { error: null }));
  }

  @Post('settings/password')
  @UseGuards(SignedInGuard)
  async changePassword(
    @CurrentPlayer() userId: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = parseBody(passwordForm, body);
    const result = await changePassword(this.deps, {
      userId,
      currentPassword: form.current_password,
      newPassword: form.new_password,
    });
    const ctx = pageContext(req);
    if (result.status === 'wrong_password') {
      return void res
        .status(400)
        .type('html')
        .send(passwordPage(ctx, { error: ctx.t.accounts.wrongCredentials }));
    }
    if (result.status === 'no_password') {
      return void res
        .status(409)
        .type('html')
        .send(passwordPage(ctx, { error: ctx.t.errors.conflict }));
    }
    if (result.status === 'weak_password') {
      return void res
        .status(400)
        .type('html')
        .send(passwordPage(ctx, { error: problemText(ctx, result.problem) }));
    }
    // Other sessions of this account stay signed in until they expire; this one gets a new id.
    await startSignedInSession(req, userId, this.now());
    req.session.notice = { kind: 'ok', key: 'accounts.passwordChanged' };
    res.redirect(303, '/profile');
  }
}

@Module({ controllers: [AccountsController] })
export class AccountsModule {}
