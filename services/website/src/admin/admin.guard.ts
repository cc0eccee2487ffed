import { HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Pool } from 'pg';
import type { WebsiteConfig } from '../config';
import { CONFIG, POOL } from '../core/deps';
import { WebsiteError } from '../core/errors';
import { websiteSideIdentity } from '../linking/account-identity';
import { isAdmin } from './admin.handler';

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
    // An account with an email acts on the website as that email.
    const identity = await websiteSideIdentity(this.pool, req.user.userId);
    if (!isAdmin(identity?.platform === 'website' ? identity.id : null, this.admins)) {
      throw new WebsiteError('forbidden', 'Only the site’s admins may see this', HttpStatus.FORBIDDEN);
    }
    return true;
  }
}
