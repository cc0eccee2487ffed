/**
 * What every request goes through, whatever module answers it: the error filter (one
 * error body), CSRF on state-changing requests, the signed-in player, and the language switch.
 */
import {
  Body,
  Controller,
  HttpStatus,
  Module,
  Post,
  Req,
  Res,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { LOCALES } from '@ttfd/shared';
import { CsrfMiddleware } from './csrf';
import { CurrentPlayerMiddleware } from './current-player';
import { WebsiteError, WebsiteErrorFilter } from './errors';
import { parseBody } from './validation';
import { safeRedirectPath } from './redirects';

const localeForm = z.object({ locale: z.enum(LOCALES), back: z.string().max(2000).optional() });

@Controller()
export class LocaleController {
  /** The language switch: remembered in the session, then back to the page it was pressed on. */
  @Post('locale')
  switchLocale(@Body() body: unknown, @Req() req: Request, @Res() res: Response): void {
    const form = parseBody(localeForm, body);
    req.session.locale = form.locale;
    if (req.get('accept')?.includes('application/json')) {
      res.status(HttpStatus.OK).json({ locale: form.locale });
      return;
    }
    res.redirect(303, safeRedirectPath(form.back));
  }
}

@Module({
  controllers: [LocaleController],
  providers: [{ provide: APP_FILTER, useClass: WebsiteErrorFilter }],
})
export class CoreModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CsrfMiddleware, CurrentPlayerMiddleware).forRoutes('*');
  }
}

export { WebsiteError };
