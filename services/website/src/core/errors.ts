/**
 * One error body for the whole JSON API, `{ "error": { "code", "message", "details"? } }`,
 * and an error page for everything else. Handlers throw `WebsiteError` (or Nest's HTTP
 * exceptions); nothing else reaches the client but a generic 500.
 */
import { Catch, HttpException, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '@ttfd/shared';
import { LOG } from './deps';
import { renderErrorPage } from '../pages/error.page';
import { pageContext } from '../pages/page-context';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'too_many_attempts'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: { path: string; message: string }[] };
}

export class WebsiteError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    status: HttpStatus,
    readonly details?: { path: string; message: string }[],
  ) {
    super(message, status);
  }
}

const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'bad_request',
  415: 'bad_request',
  429: 'too_many_attempts',
  503: 'unavailable',
};

export const isApiRequest = (req: Request): boolean => /^\/api(\/|\?|$)/.test(req.originalUrl);

@Catch()
export class WebsiteErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOG) private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { status, body } = this.describe(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (isApiRequest(req)) {
      res.status(status).json(body);
      return;
    }
    if (status === 401 && req.method === 'GET') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res
      .status(status)
      .type('html')
      .send(renderErrorPage(pageContext(req), status, body.error.code));
  }

  private describe(exception: unknown, req: Request): { status: number; body: ErrorBody } {
    if (exception instanceof WebsiteError) {
      const status = exception.getStatus();
      return {
        status,
        body: { error: { code: exception.code, message: exception.message, details: exception.details } },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Body parser errors (malformed JSON, too large) arrive as HttpExceptions too.
      const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'bad_request');
      const message = status >= 500 ? 'Something went wrong on our side' : exception.message;
      return { status, body: { error: { code, message } } };
    }
    const status = (exception as { status?: unknown; type?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A body-parser error (e.g. malformed JSON) before any handler ran.
      return {
        status,
        body: { error: { code: CODE_OF_STATUS[status] ?? 'bad_request', message: 'Malformed request' } },
      };
    }
    this.log.error({ err: exception, method: req.method, path: req.path }, 'request failed');
    return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side' } } };
  }
}
