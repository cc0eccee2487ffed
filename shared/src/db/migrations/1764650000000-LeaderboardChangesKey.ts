import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `leaderboard_changes` gets a primary key, so every table has one and an entity can map it.
 * The trigger and the bench insert without naming it, and `leaderboard_compact()` deletes
 * every row whatever its key, so neither changes. The table only holds the changes not
 * folded yet, so adding the column rewrites a few rows.
 */
export class LeaderboardChangesKey1764650000000 implements MigrationInterface {
  name = 'LeaderboardChangesKey1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leaderboard_changes ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leaderboard_changes DROP COLUMN id`);
  }
}
