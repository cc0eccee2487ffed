/**
 * What the website's modules are given: the configuration, the database pool, the shared
 * domain (progression, linking) and the service's logger and metrics. One global module
 * provides them; every feature module injects what it needs by these tokens.
 */
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Linking, Logger, Progression, Registry, Wake } from '@ttfd/shared';
import type { WebsiteConfig } from '../config';
import type { WebsiteMetrics } from './http-metrics';
import type { LiveHub } from '../live/live-hub';
import type { BoardCache } from '../leaderboard/board-cache';

export interface WebsiteDeps {
  config: WebsiteConfig;
  pool: Pool;
  wake: Wake;
  progression: Progression;
  linking: Linking;
  log: Logger;
  registry: Registry;
  metrics: WebsiteMetrics;
  now: () => Date;
  /** The replica's one LISTEN connection for live updates, shared by every open stream. */
  live: LiveHub;
  /** The pages of the boards this replica keeps (dropped when the boards change). */
  boards: BoardCache;
}

export const CONFIG = Symbol('website config');
export const POOL = Symbol('database pool');
export const WAKE = Symbol('sync worker wake-up');
export const PROGRESSION = Symbol('progression');
export const LINKING = Symbol('linking');
export const LOG = Symbol('logger');
export const REGISTRY = Symbol('metrics registry');
export const METRICS = Symbol('website metrics');
export const NOW = Symbol('clock');
export const LIVE = Symbol('live updates');
export const BOARDS = Symbol('leaderboard pages');

@Global()
@Module({})
export class DepsModule {
  static register(deps: WebsiteDeps): DynamicModule {
    const providers = [
      { provide: CONFIG, useValue: deps.config },
      { provide: POOL, useValue: deps.pool },
      { provide: WAKE, useValue: deps.wake },
      { provide: PROGRESSION, useValue: deps.progression },
      { provide: LINKING, useValue: deps.linking },
      { provide: LOG, useValue: deps.log },
      { provide: REGISTRY, useValue: deps.registry },
      { provide: METRICS, useValue: deps.metrics },
      { provide: NOW, useValue: deps.now },
      { provide: LIVE, useValue: deps.live },
      { provide: BOARDS, useValue: deps.boards },
    ];
    return { module: DepsModule, providers, exports: providers.map((p) => p.provide) };
  }
}
