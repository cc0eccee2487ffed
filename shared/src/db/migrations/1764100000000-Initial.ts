import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The unified schema: one row per person, the rank ladder, achievement rules, seasons
 * and the cross-platform event log. Needs PostgreSQL 18 (uuidv7()).
 */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF current_setting('server_version_num')::int < 180000 THEN
          RAISE EXCEPTION 'TTFD needs PostgreSQL 18 or newer (this server is %)', current_setting('server_version');
        END IF;
      END $$`);

    await q.query(`
      CREATE TABLE ranks (
        id smallint PRIMARY KEY,
        name text NOT NULL UNIQUE,
        min_xp bigint NOT NULL UNIQUE CHECK (min_xp >= 0),
        discord_role_id text CHECK (discord_role_id ~ '^[0-9]{5,20}$')
      )`);
    await q.query(`
      INSERT INTO ranks (id, name, min_xp) VALUES
        (1, 'Recruit', 0), (2, 'Private', 100), (3, 'Corporal', 300), (4, 'Sergeant', 700),
        (5, 'Lieutenant', 1500), (6, 'Captain', 3000), (7, 'Major', 6000), (8, 'Colonel', 12000),
        (9, 'General', 25000), (10, 'Legend', 50000)`);

    await q.query(`
      CREATE TABLE unified_users (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        telegram_id bigint UNIQUE CHECK (telegram_id > 0),
        discord_id text UNIQUE CHECK (discord_id ~ '^[0-9]{1,20}$'),
        website_email text CHECK (website_email ~ '^[^@\\s]+@[^@\\s]+$'),
        username text,
        display_name text,
        xp bigint NOT NULL DEFAULT 0 CHECK (xp >= 0),
        coins bigint NOT NULL DEFAULT 0 CHECK (coins >= 0),
        rank_id smallint NOT NULL DEFAULT 1 REFERENCES ranks (id),
        games_played integer NOT NULL DEFAULT 0 CHECK (games_played >= 0),
        games_won integer NOT NULL DEFAULT 0 CHECK (games_won >= 0 AND games_won <= games_played),
        total_voice_time bigint NOT NULL DEFAULT 0 CHECK (total_voice_time >= 0),
        messages_sent bigint NOT NULL DEFAULT 0 CHECK (messages_sent >= 0),
        achievements jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(achievements) = 'array'),
        current_season_xp bigint NOT NULL DEFAULT 0 CHECK (current_season_xp >= 0),
        daily_streak integer NOT NULL DEFAULT 0 CHECK (daily_streak >= 0),
        last_daily_claim date,
        platforms jsonb GENERATED ALWAYS AS (
          (CASE WHEN telegram_id IS NULL THEN '[]'::jsonb ELSE '["telegram"]'::jsonb END) ||
          (CASE WHEN discord_id IS NULL THEN '[]'::jsonb ELSE '["discord"]'::jsonb END) ||
          (CASE WHEN website_email IS NULL THEN '[]'::jsonb ELSE '["website"]'::jsonb END)
        ) STORED,
        primary_platform text NOT NULL CHECK (primary_platform IN ('telegram', 'discord', 'website')),
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        notifications_enabled boolean NOT NULL DEFAULT true,
        merged_into bigint REFERENCES unified_users (id),
        merged_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (merged_into IS NOT NULL OR telegram_id IS NOT NULL OR discord_id IS NOT NULL OR website_email IS NOT NULL),
        CHECK ((merged_into IS NULL) = (merged_at IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX unified_users_website_email_key ON unified_users (lower(website_email))`);
    await q.query(`CREATE INDEX unified_users_xp_idx ON unified_users (xp DESC, id) WHERE merged_into IS NULL`);
    await q.query(
      `CREATE INDEX unified_users_season_xp_idx ON unified_users (current_season_xp DESC, id) WHERE merged_into IS NULL`,
    );

    await q.query(`
      CREATE TABLE achievement_rules (
        key text PRIMARY KEY CHECK (key ~ '^[a-z0-9_]+$' AND key NOT LIKE 'rank\\_%'),
        stat text NOT NULL CHECK (stat IN ('games_played', 'games_won', 'messages_sent', 'total_voice_time', 'daily_streak', 'linked_platforms')),
        threshold bigint NOT NULL CHECK (threshold > 0)
      )`);
    await q.query(`
      INSERT INTO achievement_rules (key, stat, threshold) VALUES
        ('first_game', 'games_played', 1), ('ten_wins', 'games_won', 10),
        ('hundred_messages', 'messages_sent', 100), ('ten_hours_voice', 'total_voice_time', 36000),
        ('week_streak', 'daily_streak', 7), ('all_platforms', 'linked_platforms', 3)`);

    await q.query(`
      CREATE TABLE cross_platform_events (
        id uuid PRIMARY KEY DEFAULT uuidv7(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        user_id bigint NOT NULL REFERENCES unified_users (id),
        event_type text NOT NULL,
        source_platform text NOT NULL CHECK (source_platform IN ('telegram', 'discord', 'website', 'system')),
        data jsonb NOT NULL DEFAULT '{}',
        processed boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        dedupe_key text,
        attempts integer NOT NULL DEFAULT 0,
        run_at timestamptz,
        locked_by text,
        locked_until timestamptz,
        last_error text,
        processed_at timestamptz,
        dead_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX cross_platform_events_dedupe_key ON cross_platform_events (dedupe_key) WHERE dedupe_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX cross_platform_events_user_idx ON cross_platform_events (user_id, seq)`);
    await q.query(
      `CREATE INDEX cross_platform_events_pending_idx ON cross_platform_events (seq) WHERE NOT processed AND dead_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE seasons (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        started_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX seasons_one_open ON seasons ((true)) WHERE closed_at IS NULL`);
    await q.query(`INSERT INTO seasons (name) VALUES ('Season 1')`);
    await q.query(`
      CREATE TABLE season_results (
        season_id integer NOT NULL REFERENCES seasons (id),
        user_id bigint NOT NULL REFERENCES unified_users (id),
        position integer NOT NULL,
        season_xp bigint NOT NULL,
        PRIMARY KEY (season_id, user_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE season_results, seasons, cross_platform_events, achievement_rules, unified_users, ranks`);
  }
}
