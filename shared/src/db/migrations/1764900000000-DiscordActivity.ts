import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the Discord bot must remember across restarts and replicas: per member and
 * channel the last message already counted (a redelivered message is never counted
 * twice), and the voice sessions still open (closed exactly once, even after a crash).
 */
export class DiscordActivity1764900000000 implements MigrationInterface {
  name = 'DiscordActivity1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE discord_message_marks (
        user_id bigint NOT NULL REFERENCES unified_users (id),
        channel_id bigint NOT NULL,
        last_message_id bigint NOT NULL,
        PRIMARY KEY (user_id, channel_id)
      )`);
    await q.query(`
      CREATE TABLE discord_voice_sessions (
        guild_id text NOT NULL CHECK (guild_id ~ '^[0-9]{1,20}$'),
        discord_id text NOT NULL CHECK (discord_id ~ '^[0-9]{1,20}$'),
        session_id uuid NOT NULL DEFAULT uuidv7() UNIQUE,
        channel_id text NOT NULL,
        started_at timestamptz NOT NULL,
        accounted_until timestamptz NOT NULL,
        voice_ms bigint NOT NULL DEFAULT 0 CHECK (voice_ms >= 0),
        earning_ms bigint NOT NULL DEFAULT 0 CHECK (earning_ms >= 0 AND earning_ms <= voice_ms),
        earning boolean NOT NULL DEFAULT false,
        PRIMARY KEY (guild_id, discord_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE discord_voice_sessions, discord_message_marks`);
  }
}
