#!/usr/bin/env node
import { createLogger } from '@ttfd/shared';
import { loadSyncWorkerConfig } from './config';
import { startSyncWorkerService } from './service';

async function main() {
  const config = loadSyncWorkerConfig();
  const log = createLogger('sync-worker', config.LOG_LEVEL);
  const service = await startSyncWorkerService(config, log);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'stopping: finishing or releasing the batches in hand');
    service.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
