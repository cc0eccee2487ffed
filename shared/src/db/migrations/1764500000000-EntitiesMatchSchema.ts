import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema the entities describe, column for column:
 *
 * - `cross_platform_events.locked_by`/`locked_until` go: the worker's lease is the row lock
 *   of its claiming transaction (see EventDelivery), and nothing ever wrote them.
 * - `link_code_failures` gets a primary key, so every table has one and an entity can map it.
 * - `typeorm_metadata` is where TypeORM looks up the expression of a generated column
 *   (`unified_users.platforms`) when it compares entities with the database. A table would
 *   hold a copy that could drift from the column and that names the database it was
 *   written in (wrong in a restored or template-copied database); this view reads the
 *   expression from the catalog instead, as PostgreSQL prints it, on one line (runs of
 *   whitespace folded to one space, none after an opening parenthesis). Nothing writes
 *   it: the schema is never synchronised, only migrated.
 *   TypeORM's migration runner creates an empty `typeorm_metadata` table before it runs
 *   migrations (an entity has a generated column) unless a relation of that name exists:
 *   the view replaces that table.
 */
export class EntitiesMatchSchema1764500000000 implements MigrationInterface {
  name = 'EntitiesMatchSchema1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cross_platform_events DROP COLUMN locked_by, DROP COLUMN locked_until`);
    await q.query(`ALTER TABLE link_code_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`);
    await q.query(`DROP TABLE IF EXISTS typeorm_metadata`);
    await q.query(`
      CREATE VIEW typeorm_metadata AS
      SELECT 'GENERATED_COLUMN'::varchar AS type,
             current_database()::varchar AS database,
             n.nspname::varchar AS schema,
             c.relname::varchar AS "table",
             a.attname::varchar AS name,
             regexp_replace(regexp_replace(pg_get_expr(d.adbin, d.adrelid), '\\s+', ' ', 'g'), '\\( ', '(', 'g') AS value
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attgenerated = 's' AND NOT a.attisdropped`);
    await q.query(`COMMENT ON VIEW typeorm_metadata IS
      'Generated-column expressions as PostgreSQL stores them, for TypeORM''s schema comparison (entities vs database). Read-only.'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW typeorm_metadata`);
    await q.query(`ALTER TABLE link_code_failures DROP COLUMN id`);
    await q.query(`ALTER TABLE cross_platform_events ADD COLUMN locked_by text, ADD COLUMN locked_until timestamptz`);
  }
}
