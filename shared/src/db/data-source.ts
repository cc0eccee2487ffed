import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { types, type Pool } from 'pg';
import { AchievementRule } from './entities/achievement-rule.entity';
import { CrossPlatformEvent } from './entities/cross-platform-event.entity';
import { Rank } from './entities/rank.entity';
import { Season, SeasonResult } from './entities/season.entity';
import { UnifiedUser } from './entities/unified-user.entity';
import { DeliveryReceipt } from './entities/delivery-receipt.entity';
import { Initial1764100000000 } from './migrations/1764100000000-Initial';
import { Identity1764200000000 } from './migrations/1764200000000-Identity';
import { EventDelivery1764300000000 } from './migrations/1764300000000-EventDelivery';
import { ActivityCooldowns1764400000000 } from './migrations/1764400000000-ActivityCooldowns';
import { DeliveryHardening1764700000000 } from './migrations/1764700000000-DeliveryHardening';

// A calendar day (the daily claim) stays the 'YYYY-MM-DD' the database holds, not a local-time Date.
types.setTypeParser(types.builtins.DATE, (value) => value);

export const entities = [UnifiedUser, Rank, CrossPlatformEvent, Season, SeasonResult, AchievementRule, DeliveryReceipt];

/** Every migration, in order. New ones are appended here; nothing is loaded from folders. */
export const migrations = [
  Initial1764100000000,
  Identity1764200000000,
  EventDelivery1764300000000,
  ActivityCooldowns1764400000000,
  DeliveryHardening1764700000000,
];

export interface DataSourceOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export function createDataSource(url: string, options: DataSourceOptions = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'ttfd',
    extra: {
      // A connection that the server dropped (restart, failover) is discarded, not reused.
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    },
  });
}

/** The pg pool behind a DataSource, for hot-path statements sent as named prepared statements. */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
