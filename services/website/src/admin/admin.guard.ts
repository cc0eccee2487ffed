import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Pool } from 'pg';
import type { WebsiteConfig } from '../config';
import { CONFIG, POOL } from '../core/deps';
import { WebsiteError } from '../core/errors';
import { isAdmin } from './admin.handler';

const ACCOUNT_EMAIL = `SELECT website_email FROM unified_users WHERE id = $1::bigint AND merged_into IS NULL`;

/**
 * Admin pages and API: a signed-in account whose email is in ADMIN_EMAILS. A visitor is
 * asked to sign in (401), any other player is refused (403).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly admins: ReadonlySet<string>;

  constructor(
    @Inject(CONFIG) config: WebsiteConfig,
    @Inject(POOL) private readonly pool: Pool,
  ) {
    this.admins = new Set(config.ADMIN_EMAILS);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user) throw new WebsiteError('unauthorized', 'Sign in first', HttpStatus.UNAUTHORIZED);
    const { rows } = await this.pool.query({
      name: 'website-account-email',
      text: ACCOUNT_EMAIL,
      values: [req.user.userId],
    });
    if (!isAdmin(rows[0]?.website_email, this.admins)) {
      throw new WebsiteError('forbidden', 'Only the site’s admins may see this', HttpStatus.FORBIDDEN);
    }
    return true;
  }
}
