import type { Logger } from '@ttfd/shared';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** What every command gets from the dispatcher. */
export interface CommandIo {
  args: string[];
  /** The environment the CLI was started with (for commands that read their own settings). */
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Human-readable (or --json) output on stdout. */
  out: (line: string) => void;
  /** Why a command could not do its job, on stderr. */
  err: (line: string) => void;
}

/** A command that runs on the connection the dispatcher opened (and reported, if it could not). */
export interface CommandContext extends CommandIo {
  dataSource: DataSource;
  pool: Pool;
}

/** A command that connects by itself, such as `db wait`, which retries until the database answers. */
export interface SelfConnectingContext extends CommandIo {
  databaseUrl: string;
}

interface CommandInfo {
  name: string;
  usage: string;
  summary: string;
}

export interface ConnectedCommand extends CommandInfo {
  run(ctx: CommandContext): Promise<number>;
}

export interface SelfConnectingCommand extends CommandInfo {
  connectsItself: true;
  run(ctx: SelfConnectingContext): Promise<number>;
}

/**
 * A command that needs no database (it talks to a platform's API): it parses the variables
 * it needs from `env` itself, naming any bad one (exit 78).
 */
export interface OfflineCommand extends CommandInfo {
  needsNoDatabase: true;
  run(ctx: CommandIo & { env: Record<string, string | undefined> }): Promise<number>;
}

export type Command = ConnectedCommand | SelfConnectingCommand | OfflineCommand;
