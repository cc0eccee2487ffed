import { Client } from 'pg';
import { KIND_TYPES, LEGACY_FIELDS, type ColumnKind, type LegacySourceName, type Mapping } from './mapping';

/** A raw legacy row: every field as text (ids and counters as their decimal text), booleans as booleans. */
export type RawRow = Record<string, string | boolean | null>;

export class SourceCheckError extends Error {}

/**
 * One legacy database, opened for reading only: every query runs in one REPEATABLE READ
 * READ ONLY transaction, so the import reads one consistent snapshot and cannot write.
 */
export class LegacySource {
  private constructor(
    readonly name: LegacySourceName,
    private readonly client: Client,
    private readonly mapping: Mapping[LegacySourceName],
  ) {}

  static async open(name: LegacySourceName, url: string, mapping: Mapping): Promise<LegacySource> {
    const client = new Client({ connectionString: url, application_name: 'ttfd-import-legacy' });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query(`SET TIME ZONE 'UTC'`);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      await client.end().catch(() => {});
      throw new SourceCheckError(`The ${name} database is not reachable: ${(err as Error).message}`);
    }
    return new LegacySource(name, client, mapping[name]);
  }

  /** Every mapped table and column present with a usable type; the problems, each naming its column. */
  async problems(): Promise<string[]> {
    const { table, columns } = this.mapping;
    const { rows } = await this.client.query<{ present: boolean; name: string | null; type: string | null }>(
      `SELECT to_regclass($1) IS NOT NULL AS present, a.attname AS name, format_type(a.atttypid, NULL) AS type
       FROM (SELECT 1) one
       LEFT JOIN pg_attribute a ON a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [table],
    );
    if (!rows[0]?.present) return [`${this.name}: table "${table}" does not exist`];
    const types = new Map(rows.map((r) => [r.name, r.type]));
    const out: string[] = [];
    const kinds = LEGACY_FIELDS[this.name].columns as Record<string, ColumnKind>;
    for (const [field, kind] of Object.entries(kinds)) {
      const column = columns[field]!;
      const where = `${this.name}: column ${table}.${column}${column === field ? '' : ` (for ${field})`}`;
      const type = types.get(column);
      if (type === undefined) out.push(`${where} does not exist`);
      else if (!KIND_TYPES[kind].includes(type!))
        out.push(`${where} has type ${type}; expected one of ${KIND_TYPES[kind].join(', ')}`);
    }
    return out;
  }

  /** How many rows the table holds (in the snapshot the reads see). */
  async count(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${quoteTable(this.mapping.table)}`,
    );
    return Number(rows[0]!.n);
  }

  /** Reads the whole table in batches of `batchSize`, in key order. */
  async *rows(batchSize: number): AsyncGenerator<RawRow[]> {
    const { table, columns } = this.mapping;
    const fields = LEGACY_FIELDS[this.name];
    const kinds = fields.columns as Record<string, ColumnKind>;
    const select = Object.entries(kinds).map(([field, kind]) => {
      const col = quote(columns[field]!);
      const expr =
        kind === 'boolean' || kind === 'text'
          ? `${col}::text`
          : kind === 'date'
            ? `${col}::date::text`
            : kind === 'timestamp'
              ? `to_char(${col}::timestamptz, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
              : `${col}::text`;
      return `${kind === 'boolean' ? col : expr} AS ${quote(field)}`;
    });
    await this.client.query(
      `DECLARE legacy NO SCROLL CURSOR FOR SELECT ${select.join(', ')} FROM ${quoteTable(table)} ORDER BY ${quote(columns[fields.key]!)}`,
    );
    try {
      for (;;) {
        const { rows } = await this.client.query<RawRow>(`FETCH ${Math.floor(batchSize)} FROM legacy`);
        if (rows.length === 0) return;
        yield rows;
      }
    } finally {
      await this.client.query('CLOSE legacy').catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => {});
    await this.client.end().catch(() => {});
  }
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteTable(table: string): string {
  return table.split('.').map(quote).join('.');
}
