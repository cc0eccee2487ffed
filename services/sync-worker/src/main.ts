#!/usr/bin/env node
import { runService } from '@ttfd/shared';
import { configSchema } from './config';
import { startSyncWorker } from './service';

runService({ name: 'sync-worker', schema: configSchema, start: startSyncWorker });
