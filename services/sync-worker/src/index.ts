export { createSyncWorker, type SyncWorker, type SyncWorkerOptions } from './sync-worker';
export { createWorkerPool, startSyncWorkerService, workerTuning, type SyncWorkerService } from './service';
export { parseSyncWorkerConfig, type SyncWorkerConfig } from './config';
export { createSyncMetrics, type SyncMetrics } from './metrics';
export type { Drivers } from './deliver-event';
export { EVENT_HANDLERS } from './event-handlers';
export { createWebsiteDriver, type WebsiteDriver } from './drivers/website-driver';
