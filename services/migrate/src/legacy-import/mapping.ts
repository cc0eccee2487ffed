import fs from 'node:fs';
import { z } from 'zod';

/**
 * Where each legacy field lives. The defaults are the three old schemas; a mapping file
 * (`--mapping <file.json>`) renames any table or column:
 *
 *   { "telegram": { "table": "tg_users", "columns": { "xp": "experience" } },
 *     "website": { "columns": { "password_hash": "pw" } } }
 */

/** What a column must hold: the PostgreSQL types the import can read it as. */
export type ColumnKind = 'id' | 'integer' | 'text' | 'boolean' | 'date' | 'timestamp';

export const KIND_TYPES: Record<ColumnKind, readonly string[]> = {
  // Ids arrive as integers or as text (leading zeros and whitespace are normalised).
  id: ['smallint', 'integer', 'bigint', 'numeric', 'text', 'character varying', 'character'],
  integer: ['smallint', 'integer', 'bigint', 'numeric'],
  text: ['text', 'character varying', 'character', 'citext'],
  boolean: ['boolean'],
  date: ['date', 'timestamp without time zone', 'timestamp with time zone'],
  timestamp: ['timestamp with time zone', 'timestamp without time zone', 'date'],
};

export const LEGACY_FIELDS = {
  telegram: {
    table: 'users',
    key: 'user_id',
    columns: {
      user_id: 'id',
      username: 'text',
      first_name: 'text',
      xp: 'integer',
      coins: 'integer',
      games_played: 'integer',
      games_won: 'integer',
      daily_streak: 'integer',
      last_daily: 'date',
      created_at: 'timestamp',
    },
  },
  discord: {
    table: 'members',
    key: 'discord_id',
    columns: {
      discord_id: 'id',
      username: 'text',
      xp: 'integer',
      messages: 'integer',
      voice_seconds: 'integer',
      telegram_id: 'id',
      created_at: 'timestamp',
    },
  },
  website: {
    table: 'accounts',
    key: 'id',
    columns: {
      id: 'id',
      email: 'text',
      email_verified: 'boolean',
      password_hash: 'text',
      username: 'text',
      discord_id: 'id',
      telegram_id: 'id',
      created_at: 'timestamp',
    },
  },
} as const satisfies Record<string, { table: string; key: string; columns: Record<string, ColumnKind> }>;

export type LegacySourceName = keyof typeof LEGACY_FIELDS;
export const LEGACY_SOURCES = Object.keys(LEGACY_FIELDS) as LegacySourceName[];
export type FieldOf<S extends LegacySourceName> = keyof (typeof LEGACY_FIELDS)[S]['columns'] & string;

export interface SourceMapping {
  table: string;
  /** Legacy field -> column name in the legacy database. */
  columns: Record<string, string>;
}

export type Mapping = Record<LegacySourceName, SourceMapping>;

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a SQL identifier');

function sourceSchema(name: LegacySourceName) {
  const fields = Object.keys(LEGACY_FIELDS[name].columns) as [string, ...string[]];
  return z
    .object({
      table: identifier.optional(),
      columns: z
        .partialRecord(
          z.enum(fields),
          identifier.refine((c) => !c.includes('.'), 'a column name'),
        )
        .optional(),
    })
    .strict();
}

const mappingSchema = z
  .object({ telegram: sourceSchema('telegram'), discord: sourceSchema('discord'), website: sourceSchema('website') })
  .partial()
  .strict();

export class MappingError extends Error {}

export function defaultMapping(): Mapping {
  const out = {} as Mapping;
  for (const source of LEGACY_SOURCES) {
    const fields = LEGACY_FIELDS[source];
    out[source] = { table: fields.table, columns: Object.fromEntries(Object.keys(fields.columns).map((f) => [f, f])) };
  }
  return out;
}

/** The defaults with a mapping file's renames applied; a bad file is a MappingError naming what is wrong. */
export function loadMapping(file: string | null): Mapping {
  const mapping = defaultMapping();
  if (file === null) return mapping;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new MappingError(`Cannot read the mapping file ${file}: ${(err as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MappingError(`Mapping file ${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  for (const source of LEGACY_SOURCES) {
    const given = parsed.data[source];
    if (!given) continue;
    if (given.table) mapping[source].table = given.table;
    Object.assign(mapping[source].columns, given.columns ?? {});
  }
  return mapping;
}
