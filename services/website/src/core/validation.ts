/**
 * Input validation with zod, one style everywhere: a handler parses its body, query or
 * params with a schema; a failure is a 400 naming each bad field, in the one error body.
 */
import { HttpStatus } from '@nestjs/common';
import type { z } from 'zod';
import { WebsiteError } from './errors';

function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || what,
    message: issue.message,
  }));
  throw new WebsiteError(
    'bad_request',
    `Invalid ${what}: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    HttpStatus.BAD_REQUEST,
    details,
  );
}

export const parseBody = <S extends z.ZodType>(schema: S, body: unknown): z.infer<S> => parseWith(schema, body, 'body');
export const parseQuery = <S extends z.ZodType>(schema: S, query: unknown): z.infer<S> =>
  parseWith(schema, query, 'query');
export const parseParams = <S extends z.ZodType>(schema: S, params: unknown): z.infer<S> =>
  parseWith(schema, params, 'params');
