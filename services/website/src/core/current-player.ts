/**
 * Who is signed in: the session's account id, followed through merges (an account merged
 * on another platform signs in as the account it joined). `req.user` is `{ userId }` for a
 * signed-in request; `SignedInGuard` refuses the others and `@CurrentPlayer()` hands the
 * id to a handler.
 */
import {
  createParamDecorator,
  HttpStatus,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type NestMiddleware,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Linking } from '@ttfd/shared';
import { LINKING } from './deps';
import { WebsiteError } from './errors';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User {
      /** The signed-in player's unified account id. */
      userId: string;
    }
    interface Request {
      /** Set for a signed-in request. */
      user?: User;
    }
  }
}

@Injectable()
export class CurrentPlayerMiddleware implements NestMiddleware {
  constructor(@Inject(LINKING) private readonly linking: Linking) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    const userId = req.session?.userId;
    if (userId === undefined) return next();
    const live = await this.linking.resolveUserId(userId);
    if (live === null) {
      // The account is gone (deleted): the session signs nobody in any more.
      delete req.session.userId;
      return next();
    }
    if (live !== userId) req.session.userId = live;
    req.user = { userId: live };
    next();
  }
}

@Injectable()
export class SignedInGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!req.user) throw new WebsiteError('unauthorized', 'Sign in first', HttpStatus.UNAUTHORIZED);
    return true;
  }
}

/** The signed-in player's unified account id (use with SignedInGuard). */
export const CurrentPlayer = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const req = context.switchToHttp().getRequest<Request>();
  if (!req.user) throw new WebsiteError('unauthorized', 'Sign in first', HttpStatus.UNAUTHORIZED);
  return req.user.userId;
});
