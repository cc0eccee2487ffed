import { z } from 'zod';
import { baseConfig, createDataSource, createLogger, createPool, parseConfig, ConfigError } from '@ttfd/shared';
import type { Command, CommandIo } from './commands/command';
import { dbCommand } from './commands/db.command';
import { migrateCommand } from './commands/migrate.command';
import { reconcileCommand } from './commands/reconcile.command';
import { seasonCommand } from './commands/season.command';
import { eventsCommand } from './commands/events.command';
import { discordCommand } from './commands/discord.command';
import { importLegacyCommand } from './commands/import-legacy.command';
import { smokeTestCommand } from './commands/smoke-test.command';

/** Every command of the ops CLI, in the order `help` lists them. */
export const commands: Command[] = [
  migrateCommand,
  dbCommand,
  reconcileCommand,
  seasonCommand,
  eventsCommand,
  discordCommand,
  importLegacyCommand,
  smokeTestCommand,
];

const configSchema = z.object(baseConfig);

function usage(): string {
  const lines = commands.map((c) => `  ${c.usage.padEnd(34)} ${c.summary}`);
  return ['Usage: ttfd <command> [options]', '', 'Commands:', ...lines].join('\n');
}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const stdio: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Runs one command and returns its exit code: 0 ok, 1 the check (or the platform) failed, 2 usage, 78 config. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n${usage()}`);
    return 2;
  }
  if ('needsNoDatabase' in command) {
    return command.run({ args, log: createLogger('ttfd-cli', 'warn'), out: io.out, err: io.err, env });
  }
  let config: z.infer<typeof configSchema>;
  try {
    config = parseConfig(configSchema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78;
    }
    throw err;
  }
  const log = createLogger('ttfd-cli', config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const commandIo: CommandIo = { args, env, log, out: io.out, err: io.err };
  if ('connectsItself' in command) return command.run({ ...commandIo, databaseUrl: config.DATABASE_URL });
  const applicationName = `ttfd-${name}`;
  const dataSource = createDataSource(config.DATABASE_URL, { poolSize: 1, applicationName });
  try {
    await dataSource.initialize();
  } catch (err) {
    io.err(`Cannot connect to the database in DATABASE_URL: ${(err as Error).message}`);
    return 1;
  }
  const pool = createPool(config.DATABASE_URL, { max: 4, applicationName });
  try {
    return await command.run({ ...commandIo, dataSource, pool });
  } finally {
    await pool.end();
    await dataSource.destroy();
  }
}
