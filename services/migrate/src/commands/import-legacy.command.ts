import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { z } from 'zod';
import { importLegacy, ImportCheckError, type ImportProgress } from '../legacy-import/import-legacy';
import { loadMapping, MappingError, type LegacySourceName } from '../legacy-import/mapping';
import type { ConnectedCommand } from './command';

/** The legacy databases' URLs when not given as flags (a Kubernetes Job takes them from a Secret). */
const envSchema = z.object({
  LEGACY_TELEGRAM_URL: z.string().min(1).optional(),
  LEGACY_DISCORD_URL: z.string().min(1).optional(),
  LEGACY_WEBSITE_URL: z.string().min(1).optional(),
});

const USAGE =
  'Usage: ttfd import-legacy [--telegram <url>] [--discord <url>] [--website <url>] [--mapping <file.json>] ' +
  '[--dry-run] [--report <file.json>] [--trust-legacy-links] [--batch-size <rows>]';

const DEFAULT_BATCH_SIZE = 5000;

/** A bar on a terminal (cli-progress), progress log lines otherwise. */
export function progressOn(terminal: NodeJS.WriteStream | null, log: (line: string) => void): ImportProgress {
  if (terminal) {
    let bar: SingleBar | null = null;
    return {
      phase(name, total) {
        bar = new SingleBar(
          { format: `${name === 'read' ? 'Reading' : 'Writing'} {bar} {value}/{total} rows`, stream: terminal },
          Presets.shades_classic,
        );
        bar.start(total, 0);
      },
      advance(done) {
        if (bar && done > bar.getTotal()) bar.setTotal(done);
        bar?.update(done);
      },
      done() {
        bar?.stop();
      },
    };
  }
  let phase = '';
  let total = 0;
  return {
    phase(name, t) {
      phase = name;
      total = t;
    },
    advance(done) {
      log(`import-legacy: ${phase === 'read' ? 'read' : 'wrote'} ${done}${total ? `/${total}` : ''} rows`);
    },
    done() {},
  };
}

/** `ttfd import-legacy`: the three legacy databases into the unified one, with a report. */
export const importLegacyCommand: ConnectedCommand = {
  name: 'import-legacy',
  usage: 'import-legacy --telegram|--discord|--website <url> ...',
  summary: 'import players, progress and passwords from the legacy databases; prints a JSON report',
  async run({ args, env, pool, dataSource, out, err }) {
    let flags;
    try {
      flags = parseArgs({
        args,
        options: {
          telegram: { type: 'string' },
          discord: { type: 'string' },
          website: { type: 'string' },
          mapping: { type: 'string' },
          'dry-run': { type: 'boolean', default: false },
          report: { type: 'string' },
          'trust-legacy-links': { type: 'boolean', default: false },
          'batch-size': { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }).values;
    } catch (e) {
      err(`${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    const batchSize = flags['batch-size'] === undefined ? DEFAULT_BATCH_SIZE : Number(flags['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      err(`--batch-size must be a positive whole number of rows, not "${flags['batch-size']}"`);
      return 2;
    }
    const parsedEnv = envSchema.safeParse(env);
    if (!parsedEnv.success) {
      err(`Invalid ${parsedEnv.error.issues[0]!.path.join('.')}: ${parsedEnv.error.issues[0]!.message}`);
      return 78;
    }
    const urls: Partial<Record<LegacySourceName, string>> = {
      telegram: flags.telegram ?? parsedEnv.data.LEGACY_TELEGRAM_URL,
      discord: flags.discord ?? parsedEnv.data.LEGACY_DISCORD_URL,
      website: flags.website ?? parsedEnv.data.LEGACY_WEBSITE_URL,
    };
    let mapping;
    try {
      mapping = loadMapping(flags.mapping ?? null);
    } catch (e) {
      if (e instanceof MappingError) {
        err(e.message);
        return 2;
      }
      throw e;
    }
    const terminal = process.stderr.isTTY ? process.stderr : null;
    try {
      const report = await importLegacy(pool, dataSource, {
        urls,
        mapping,
        dryRun: flags['dry-run'],
        trustLegacyLinks: flags['trust-legacy-links'],
        batchSize,
        progress: progressOn(terminal, err),
      });
      const text = JSON.stringify(report, null, 2);
      if (flags.report) fs.writeFileSync(flags.report, `${text}\n`);
      out(text);
      return 0;
    } catch (e) {
      if (e instanceof ImportCheckError) {
        err(e.message);
        return 1;
      }
      throw e;
    }
  },
};
