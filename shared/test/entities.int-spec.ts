import { createTestDatabase, type TestDatabase } from '@ttfd/testing';
import { readOnlyRepository, UnifiedUser } from '@ttfd/shared';

/** What TypeORM's schema builder would run to make the database match the entities. */
async function pendingSchemaChanges(db: TestDatabase): Promise<string[]> {
  const sql = await db.dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

/** Tables of the database that no entity maps (the migrations' own bookkeeping aside). */
async function unmappedTables(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
     ORDER BY 1`,
  );
  const mapped = new Set(db.dataSource.entityMetadatas.map((m) => m.tableName));
  return rows.map((r) => r.name).filter((name) => !mapped.has(name));
}

/**
 * PostgreSQL's own rendering of an expression written for `table`: added as a constraint
 * (or a partial index's predicate) in a transaction that is rolled back, then printed.
 */
async function rendered(db: TestDatabase, table: string, kind: 'check' | 'predicate', expression: string) {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    if (kind === 'check') {
      await client.query(`ALTER TABLE ${table} ADD CONSTRAINT entity_probe CHECK (${expression}) NOT VALID`);
      return await checkOf(client, table, 'entity_probe');
    }
    await client.query(`CREATE INDEX entity_probe ON ${table} ((1)) WHERE ${expression}`);
    return await predicateOf(client, 'entity_probe');
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
}

type Queryable = Pick<TestDatabase['pool'], 'query'>;

async function checkOf(db: Queryable, table: string, name: string): Promise<string | null> {
  const { rows } = await db.query<{ def: string }>(
    `SELECT regexp_replace(pg_get_constraintdef(oid), ' NOT VALID$', '') AS def
     FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
    [table, name],
  );
  return rows[0]?.def ?? null;
}

async function predicateOf(db: Queryable, index: string): Promise<string | null> {
  const { rows } = await db.query<{ def: string | null }>(
    `SELECT pg_get_expr(indpred, indrelid) AS def FROM pg_index WHERE indexrelid = $1::regclass`,
    [index],
  );
  return rows[0]?.def ?? null;
}

describe('entities and migrations', () => {
  let db: TestDatabase;
  /** A throwaway database that a test migrates past what the entities know. */
  let scratch: TestDatabase;
  beforeAll(async () => {
    [db, scratch] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([db.drop(), scratch.drop()]);
  });

  it('map every table', async () => {
    expect(await unmappedTables(db)).toEqual([]);
  });

  it('agree: the schema builder has nothing to change in the migrated database', async () => {
    expect(await pendingSchemaChanges(db)).toEqual([]);
  });

  // TypeORM compares checks by name and partial indexes by their columns only.
  it('state every check as the database enforces it', async () => {
    const checks = db.dataSource.entityMetadatas.flatMap((m) =>
      m.checks.map((check) => ({ table: m.tableName, name: check.name, expression: check.expression! })),
    );
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT conname AS name FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace`,
    );
    expect(checks.map((c) => c.name).sort()).toEqual(rows.map((r) => r.name).sort());
    for (const { table, name, expression } of checks) {
      expect({ name, check: await checkOf(db.pool, table, name) }).toEqual({
        name,
        check: await rendered(db, table, 'check', expression),
      });
    }
  });

  it('declare every index, with the predicate of each partial one', async () => {
    const declared = db.dataSource.entityMetadatas.flatMap((m) =>
      m.indices.map((index) => ({ table: m.tableName, name: index.name, where: index.where })),
    );
    const { rows } = await db.pool.query<{ name: string }>(
      `SELECT i.relname AS name FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
       WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
    );
    expect(declared.map((i) => i.name).sort()).toEqual(rows.map((r) => r.name).sort());
    for (const { table, name, where } of declared.filter((i) => i.where)) {
      expect({ name, where: await predicateOf(db.pool, name) }).toEqual({
        name,
        where: await rendered(db, table, 'predicate', where!),
      });
    }
  });

  it('read the rows the write path wrote, through a repository that cannot write', async () => {
    await db.pool.query(
      `INSERT INTO unified_users (telegram_id, discord_id, primary_platform) VALUES (4401, '4402', 'telegram')`,
    );
    const users = readOnlyRepository(db.dataSource, UnifiedUser);
    const user = await users.findOneByOrFail({ telegramId: '4401' });
    expect(user).toMatchObject({ discordId: '4402', platforms: ['telegram', 'discord'], xp: '0', locale: 'ru' });
    expect(Object.keys(users)).not.toContain('save');
    expect((users as unknown as Record<string, unknown>).save).toBeUndefined();
  });

  it('disagree when a migration adds a column the entities lack', async () => {
    await scratch.pool.query(`ALTER TABLE unified_users ADD COLUMN favourite_game text`);
    expect(await pendingSchemaChanges(scratch)).toEqual([`ALTER TABLE "unified_users" DROP COLUMN "favourite_game"`]);
  });

  it('disagree when a migration adds a table no entity maps', async () => {
    await scratch.pool.query(`CREATE TABLE trophies (id bigint PRIMARY KEY)`);
    expect(await unmappedTables(scratch)).toEqual(['trophies']);
  });
});
