import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout, one line per record, tagged with the service name. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
