import { z } from 'zod';
import { baseConfig, ConfigError, parseConfig, port } from './config';

const schema = z.object({
  ...baseConfig,
  PORT: port(8083),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('polling'),
});

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    expect(parseConfig(schema, { DATABASE_URL: 'postgres://u:p@db:5432/ttfd', PORT: '9000' })).toEqual({
      DATABASE_URL: 'postgres://u:p@db:5432/ttfd',
      LOG_LEVEL: 'info',
      PORT: 9000,
      TELEGRAM_MODE: 'polling',
    });
  });

  it('names every missing or invalid variable at once', () => {
    let error: unknown;
    try {
      parseConfig(schema, { PORT: 'eighty', TELEGRAM_MODE: 'carrier-pigeon', LOG_LEVEL: ' ' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('DATABASE_URL: is required but not set');
    expect(problems[1]).toMatch(/^PORT: /);
    expect(problems[2]).toMatch(/^TELEGRAM_MODE: .*"webhook"/);
    expect((error as ConfigError).message).toContain('Invalid configuration:\n  DATABASE_URL: is required but not set');
  });

  it('treats an empty variable as unset and ignores variables it does not know', () => {
    expect(() => parseConfig(schema, { DATABASE_URL: '', SOMETHING_ELSE: 'x' })).toThrow(
      'DATABASE_URL: is required but not set',
    );
  });

  it('refuses a non-postgres URL and an out-of-range port', () => {
    expect(() => parseConfig(schema, { DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL: must be a postgres://');
    expect(() => parseConfig(schema, { DATABASE_URL: 'postgres://x', PORT: '70000' })).toThrow(/PORT: /);
  });
});
