/**
 * The legacy import: checks, then reads the three old databases, plans who is who, and
 * writes people into the unified database a batch per transaction.
 *
 * Repeatable: every carried row is in `legacy_ids`, so rows carried before are not carried
 * again and a second run changes nothing. Resumable: a run killed mid-way loses only its
 * open batch (rolled back by the server); the next run plans the same people from the same
 * rows and carries what is left. A dry run writes everything in one transaction and rolls
 * it back, so its report is what a real run would do.
 */
import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import {
  importLegacyBatch,
  legacyImportTotals,
  passwordFormat,
  pendingMigrations,
  type LegacyBatchResult,
  type LegacyPerson,
} from '@ttfd/shared';
import { LEGACY_SOURCES, type LegacySourceName, type Mapping } from './mapping';
import { planImport, type Conflict, type Plan, type SkipReason } from './plan';
import { LegacySource, SourceCheckError, type RawRow } from './sources';

export interface ImportOptions {
  urls: Partial<Record<LegacySourceName, string>>;
  mapping: Mapping;
  dryRun: boolean;
  trustLegacyLinks: boolean;
  /** Legacy rows per read and per write transaction. */
  batchSize: number;
  progress: ImportProgress;
  now?: () => Date;
}

/** Where the import tells how far it is (a bar on a terminal, log lines otherwise). */
export interface ImportProgress {
  phase(name: 'read' | 'write', total: number): void;
  advance(done: number): void;
  done(): void;
}

export interface ImportReport {
  dry_run: boolean;
  /** True when nothing was (or, in a dry run, would be) written: everything was imported before. */
  no_op: boolean;
  sources: Partial<
    Record<
      LegacySourceName,
      {
        rows: number;
        imported: number;
        already_imported: number;
        skipped: Partial<Record<SkipReason | 'conflict', number>>;
      }
    >
  >;
  accounts: { created: number; merged_into_existing: number; already_imported: number };
  links: { discord_oauth: number; trusted_telegram_claim: number; existing_account: number };
  proposals: number;
  conflicts: Conflict[];
  /** reset_needed: website accounts without a usable hash; unknown_format: those of them whose hash no login can check. */
  passwords: { carried: number; reset_needed: number; unknown_format: number };
  totals: {
    legacy: { xp: number; coins: number };
    unified: { xp: number; coins: number };
    skipped: { xp: number; coins: number };
  };
}

export class ImportCheckError extends Error {}

const RETRYABLE = new Set(['23505', '40P01', '40001']);
/**
 * Batches written at once, each on its own connection in its own transaction. People of
 * different batches never share an id, so they only meet on an existing account (row
 * locks, a deadlock retried).
 */
const WRITERS = 2;

/** Checks everything, then imports; throws ImportCheckError (naming the problem) before any write. */
export async function importLegacy(pool: Pool, dataSource: DataSource, options: ImportOptions): Promise<ImportReport> {
  const now = options.now ?? (() => new Date());
  const names = LEGACY_SOURCES.filter((s) => options.urls[s]);
  if (names.length === 0)
    throw new ImportCheckError('No legacy database given: pass --telegram, --discord or --website');
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new ImportCheckError(
      `The unified database is not migrated (${pending.length} pending: ${pending.join(', ')}); run "ttfd migrate" first`,
    );
  }

  const sources: LegacySource[] = [];
  try {
    for (const name of names) {
      try {
        sources.push(await LegacySource.open(name, options.urls[name]!, options.mapping));
      } catch (err) {
        if (err instanceof SourceCheckError) throw new ImportCheckError(err.message);
        throw err;
      }
    }
    const problems = (await Promise.all(sources.map((s) => s.problems()))).flat();
    if (problems.length > 0) {
      throw new ImportCheckError(
        `The legacy schema does not match the mapping (nothing was written):\n  ${problems.join('\n  ')}`,
      );
    }

    const rows: Partial<Record<LegacySourceName, RawRow[]>> = {};
    const toRead = (await Promise.all(sources.map((s) => s.count()))).reduce((n, c) => n + c, 0);
    options.progress.phase('read', toRead);
    let read = 0;
    // The sources are read at once, each on its own connection.
    await Promise.all(
      sources.map(async (source) => {
        const list: RawRow[] = [];
        for await (const batch of source.rows(options.batchSize)) {
          for (const r of batch) list.push(r);
          read += batch.length;
          options.progress.advance(read);
        }
        rows[source.name] = list;
      }),
    );
    options.progress.done();
    const plan = planImport({
      rows,
      trustLegacyLinks: options.trustLegacyLinks,
      passwordFormatOk: (hash) => passwordFormat(hash) !== null,
    });
    return await write(pool, plan, names, options, now);
  } finally {
    await Promise.all(sources.map((s) => s.close()));
  }
}

/** People in batches of about `batchSize` legacy rows (a person is never split). */
function batches(people: LegacyPerson[], batchSize: number): LegacyPerson[][] {
  const out: LegacyPerson[][] = [];
  let current: LegacyPerson[] = [];
  let size = 0;
  for (const p of people) {
    current.push(p);
    size += p.rows.length;
    if (size >= batchSize) {
      out.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

async function inTransaction<T>(client: PoolClient, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await client.query('BEGIN');
    try {
      const result = await run();
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK');
      // A player registered on a bot meanwhile (one of the people's ids is taken now): plan the batch again.
      if (!RETRYABLE.has((err as { code?: string }).code ?? '') || attempt >= 5) throw err;
    }
  }
}

async function write(
  pool: Pool,
  plan: Plan,
  names: LegacySourceName[],
  options: ImportOptions,
  now: () => Date,
): Promise<ImportReport> {
  const all = batches(plan.people, options.batchSize);
  const totalRows = plan.people.reduce((n, p) => n + p.rows.length, 0);
  const sum: Omit<LegacyBatchResult, 'xp' | 'coins'> = {
    created: 0,
    mergedIntoExisting: 0,
    alreadyImported: 0,
    rowsCarried: { telegram: 0, discord: 0, website: 0 },
    passwordsCarried: 0,
    passwordsResetNeeded: 0,
    passwordsUnknownFormat: 0,
    proposals: 0,
    conflicts: [],
  };
  const add = (r: LegacyBatchResult) => {
    sum.created += r.created;
    sum.mergedIntoExisting += r.mergedIntoExisting;
    sum.alreadyImported += r.alreadyImported;
    for (const s of LEGACY_SOURCES) sum.rowsCarried[s] += r.rowsCarried[s];
    sum.passwordsCarried += r.passwordsCarried;
    sum.passwordsResetNeeded += r.passwordsResetNeeded;
    sum.passwordsUnknownFormat += r.passwordsUnknownFormat;
    sum.proposals += r.proposals;
    sum.conflicts.push(...r.conflicts);
  };

  let unified: { xp: bigint; coins: bigint };
  options.progress.phase('write', totalRows);
  let done = 0;
  const rowsOf = (batch: LegacyPerson[]) => batch.reduce((n, p) => n + p.rows.length, 0);
  if (options.dryRun) {
    // One transaction, rolled back: the report is what a real run would do, and nothing stays.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL jit = off');
      try {
        for (const batch of all) {
          add(await importLegacyBatch(client, batch, { now: now() }));
          options.progress.advance((done += rowsOf(batch)));
        }
        unified = await legacyImportTotals(client);
      } finally {
        await client.query('ROLLBACK');
      }
    } finally {
      client.release();
    }
  } else {
    // WRITERS connections take batches in turn; results are added in batch order.
    const results: LegacyBatchResult[] = [];
    let next = 0;
    const writer = async () => {
      const client = await pool.connect();
      try {
        // Compiling the batch statements (large unnest arrays) costs more than running them.
        await client.query('SET jit = off');
        for (let i = next++; i < all.length; i = next++) {
          const batch = all[i]!;
          results[i] = await inTransaction(client, () => importLegacyBatch(client, batch, { now: now() }));
          options.progress.advance((done += rowsOf(batch)));
        }
      } finally {
        await client.query('RESET jit').catch(() => {});
        client.release();
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITERS, all.length) }, writer));
    for (const r of results) add(r);
    unified = await legacyImportTotals(pool);
  }
  options.progress.done();

  const rowsAlreadyImported = { telegram: 0, discord: 0, website: 0 };
  const conflictRows = { telegram: 0, discord: 0, website: 0 };
  const conflicted = new Set(sum.conflicts.flatMap((c) => c.rows.map((r) => `${r.source}:${r.legacyId}`)));
  let conflictXp = 0n;
  let conflictCoins = 0n;
  for (const p of plan.people) {
    for (const r of p.rows) {
      if (!conflicted.has(`${r.source}:${r.legacyId}`)) continue;
      conflictRows[r.source]++;
      conflictXp += r.xp;
      conflictCoins += r.coins;
    }
  }
  const report: ImportReport = {
    dry_run: options.dryRun,
    no_op: false,
    sources: {},
    accounts: {
      created: sum.created,
      merged_into_existing: sum.mergedIntoExisting,
      already_imported: sum.alreadyImported,
    },
    links: { ...plan.links, existing_account: sum.mergedIntoExisting },
    proposals: sum.proposals,
    conflicts: [
      ...plan.conflicts,
      ...sum.conflicts.map((c): Conflict => ({
        kind: c.reason,
        identity: c.accounts.map((a) => `${a.platform}:${a.identity}`).join(', '),
        sides: [
          ...c.rows.map((r) => `${r.source}:${r.legacyId}`),
          ...new Set(c.accounts.map((a) => `account:${a.userId}`)),
        ],
      })),
    ],
    passwords: {
      carried: sum.passwordsCarried,
      reset_needed: sum.passwordsResetNeeded,
      unknown_format: sum.passwordsUnknownFormat,
    },
    totals: {
      legacy: { xp: 0, coins: 0 },
      unified: { xp: Number(unified.xp), coins: Number(unified.coins) },
      skipped: { xp: 0, coins: 0 },
    },
  };
  let legacyXp = 0n;
  let legacyCoins = 0n;
  let skippedXp = conflictXp;
  let skippedCoins = conflictCoins;
  for (const name of names) {
    const tally = plan.sources[name];
    legacyXp += tally.xp;
    legacyCoins += tally.coins;
    skippedXp += tally.skippedXp;
    skippedCoins += tally.skippedCoins;
    const planned = plan.people.reduce((n, p) => n + p.rows.filter((r) => r.source === name).length, 0);
    rowsAlreadyImported[name] = planned - sum.rowsCarried[name] - conflictRows[name];
    report.sources[name] = {
      rows: tally.rows,
      imported: sum.rowsCarried[name],
      already_imported: rowsAlreadyImported[name],
      skipped: { ...tally.skipped, ...(conflictRows[name] > 0 ? { conflict: conflictRows[name] } : {}) },
    };
  }
  report.totals.legacy = { xp: Number(legacyXp), coins: Number(legacyCoins) };
  report.totals.skipped = { xp: Number(skippedXp), coins: Number(skippedCoins) };
  report.no_op = LEGACY_SOURCES.every((s) => sum.rowsCarried[s] === 0) && sum.proposals === 0;
  return report;
}
