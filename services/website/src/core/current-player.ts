/**
 * Who is signed in: the session's account id, followed through merges as the session was
 * read (an account merged on another platform signs in as the account it joined).
 * `req.user` is `{ userId }` for a signed-in request; `SignedInGuard` refuses the others
 * and `@CurrentPlayer()` hands the id to a handler.
 */
import {
  createParamDecorator,
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type NestMiddleware,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
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

/** `req.user` from the session: the store followed its account through merges as it read it (session.ts). */
@Injectable()
export class CurrentPlayerMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const userId = req.session?.userId;
    if (userId !== undefined) req.user = { userId };
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
